import { resolve } from 'node:path';
import { StoreUnavailableError } from './errors.ts';
import { HandbookStore } from './handbook-store.ts';
import { migratePostgres, migrateSqlite } from './migrate.ts';
import { PostgresDb } from './postgres-db.ts';
import { SqliteDb } from './sqlite-db.ts';

/** The data directory: $HANDBOOK_DATA_DIR, default ./data. */
export function dataDir(explicit?: string): string {
	return resolve(explicit ?? process.env.HANDBOOK_DATA_DIR ?? 'data');
}

export interface OpenStoreOptions {
	/** The SQLite data directory (default $HANDBOOK_DATA_DIR, then ./data). */
	dataDir?: string;
	/** A postgres:// URL (default $HANDBOOK_DATABASE_URL): when set, the store is on Postgres. */
	databaseUrl?: string;
	now?: () => Date;
}

/**
 * Opens the handbook's store: Postgres when `HANDBOOK_DATABASE_URL` (or `databaseUrl`) is a
 * postgres:// URL, else SQLite in the data directory. Migrates it to the latest schema. On
 * SQLite, the only writer, checks left running by a killed process are marked interrupted.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<HandbookStore> {
	const url = 'databaseUrl' in options ? options.databaseUrl : process.env.HANDBOOK_DATABASE_URL || undefined;
	if (url !== undefined) {
		if (!/^postgres(ql)?:\/\//.test(url)) throw new StoreUnavailableError('HANDBOOK_DATABASE_URL', `expected a postgres:// or postgresql:// URL, found "${url.split(':')[0]}:…"`, true);
		const db = new PostgresDb(url);
		try {
			await migratePostgres(db);
		} catch (err) {
			await db.close().catch(() => {});
			throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(db.location, (err as Error).message, true);
		}
		// Several instances may share it: only what dead instances left running is interrupted,
		// now and on every heartbeat (see instances.ts).
		const store = new HandbookStore(db, { now: options.now });
		await store.instances.start({ heartbeat: true });
		await store.instances.sweep();
		return store;
	}
	const dir = dataDir(options.dataDir);
	const db = new SqliteDb(dir);
	try {
		await migrateSqlite(db);
	} catch (err) {
		await db.close();
		throw new StoreUnavailableError(dir, (err as Error).message);
	}
	const store = new HandbookStore(db, { now: options.now });
	await store.interruptUnfinished();
	await store.instances.start({ heartbeat: false });
	return store;
}
