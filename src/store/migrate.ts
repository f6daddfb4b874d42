import { StoreUnavailableError } from './errors.ts';
import { migrations } from './migrations.ts';
import { postgresMigrations } from './migrations-postgres.ts';
import type { PostgresDb } from './postgres-db.ts';
import type { SqliteDb } from './sqlite-db.ts';

/** The advisory lock held while one instance migrates, so two starting together do not both. */
const MIGRATION_LOCK = 0x6d696772; // 'migr'

/** Brings a SQLite file to the latest schema: one transaction per migration, the version in `PRAGMA user_version`. */
export async function migrateSqlite(db: SqliteDb): Promise<void> {
	for (let v = await db.userVersion(); v < migrations.length; v++) {
		await db.transaction(async () => {
			await db.exec(migrations[v]!);
			await db.exec(`PRAGMA user_version = ${v + 1}`);
		});
	}
}

/**
 * Brings a Postgres database to the latest schema: the version in `handbook_schema`, one
 * transaction per migration, under a session advisory lock so that several instances starting
 * at once apply each migration exactly once.
 */
export async function migratePostgres(db: PostgresDb): Promise<void> {
	if (postgresMigrations.length !== migrations.length) throw new Error(`migrations-postgres.ts has ${postgresMigrations.length} migrations and migrations.ts ${migrations.length}: write each migration for both dialects`);
	await db.sql.reserve().then(async (conn) => {
		try {
			await conn.unsafe('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
			await conn.unsafe('CREATE TABLE IF NOT EXISTS handbook_schema (version INTEGER NOT NULL)').simple();
			const rows = await conn.unsafe('SELECT version FROM handbook_schema');
			let version = rows.length ? Number(rows[0]!.version) : 0;
			if (!rows.length) await conn.unsafe('INSERT INTO handbook_schema (version) VALUES (0)');
			if (version > postgresMigrations.length) throw new StoreUnavailableError(db.location, `its schema is at version ${version}, newer than this handbook's ${postgresMigrations.length}: upgrade the handbook`, true);
			for (; version < postgresMigrations.length; version++) {
				await conn.unsafe('BEGIN');
				try {
					await conn.unsafe(postgresMigrations[version]!).simple();
					await conn.unsafe('UPDATE handbook_schema SET version = $1', [version + 1]);
					await conn.unsafe('COMMIT');
				} catch (err) {
					await conn.unsafe('ROLLBACK');
					throw err;
				}
			}
		} finally {
			await conn.unsafe('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
			conn.release();
		}
	});
}
