import { AsyncLocalStorage } from 'node:async_hooks';
import postgres from 'postgres';
import { postgresWriteFailure, StoreUnavailableError, StoreWriteError } from './errors.ts';
import type { SqlDb, SqlQueries, SqlRow, SqlValue } from './sql.ts';

/** The advisory lock every write transaction takes first: writers one at a time, as SQLite's BEGIN IMMEDIATE. */
const WRITE_LOCK = 0x68616e64; // 'hand'

type Client = postgres.Sql<Record<string, never>>;
type Tx = postgres.TransactionSql<Record<string, never>>;

/** `?` placeholders to Postgres's `$1, $2, …` (the store's statements have no `?` inside literals). */
export function numbered(sql: string): string {
	let n = 0;
	return sql.replace(/\?/g, () => `$${++n}`);
}

/** A Postgres URL without its password, for messages and logs. */
export function redactedUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.password) u.password = '***';
		return u.toString();
	} catch {
		return 'postgres://(an unparsable HANDBOOK_DATABASE_URL)';
	}
}

/**
 * The Postgres backend, through porsager's `postgres` client: a small pool, every statement
 * prepared once per connection, write transactions serialized by an advisory lock so that audit
 * ids are handed out in commit order (a reader following `id > cursor` never skips a late commit)
 * and a sign-off and a check start never interleave, across every instance sharing the database.
 * Synchronous commit (Postgres's default) keeps every acknowledged write through a kill -9.
 */
export class PostgresDb implements SqlDb {
	readonly dialect = 'postgres' as const;
	readonly location: string;
	readonly sql: Client;
	/**
	 * Write transactions have their own few connections: a transaction waiting for the write lock
	 * holds its connection, and reads must never queue behind those.
	 */
	readonly #writer: Client;
	readonly #inTx = new AsyncLocalStorage<SqlQueries>();
	readonly #texts = new Map<string, string>();
	readonly #root: SqlQueries;

	constructor(url: string, options: { max?: number } = {}) {
		this.location = redactedUrl(url);
		const pool = (max: number) =>
			postgres(url, {
				max,
				onnotice: () => {},
				// Column names as they are; the store's mappers read snake_case like SQLite's rows.
				transform: { undefined: null },
				connect_timeout: 10,
			});
		this.sql = pool(options.max ?? 8);
		this.#writer = pool(3);
		this.#root = this.#queries(this.sql);
	}

	#text(sql: string): string {
		let t = this.#texts.get(sql);
		if (t === undefined) {
			t = numbered(sql);
			this.#texts.set(sql, t);
		}
		return t;
	}

	#queries(client: Client | Tx): SqlQueries {
		const q = async (sql: string, params: readonly SqlValue[] = []) => {
			try {
				return [...(await client.unsafe(this.#text(sql), params as SqlValue[], { prepare: true }))] as SqlRow[];
			} catch (err) {
				throw this.#mapped(err);
			}
		};
		return { all: q, get: async (sql, params) => (await q(sql, params))[0], run: q };
	}

	#current(): SqlQueries {
		return this.#inTx.getStore() ?? this.#root;
	}

	all(sql: string, params?: readonly SqlValue[]) {
		return this.#current().all(sql, params);
	}

	get(sql: string, params?: readonly SqlValue[]) {
		return this.#current().get(sql, params);
	}

	run(sql: string, params?: readonly SqlValue[]) {
		return this.#current().run(sql, params);
	}

	#mapped(err: unknown): unknown {
		if (err instanceof StoreWriteError) return err;
		const reason = postgresWriteFailure(err);
		if (reason) return new StoreWriteError(this.location, reason);
		const code = (err as NodeJS.ErrnoException).code;
		if (code === 'ECONNREFUSED' || code === 'CONNECT_TIMEOUT' || code === 'ENOTFOUND' || code === 'CONNECTION_CLOSED' || code === 'CONNECTION_ENDED') {
			return new StoreUnavailableError(this.location, (err as Error).message, true);
		}
		return err;
	}

	async transaction<T>(fn: (tx: SqlQueries) => Promise<T>): Promise<T> {
		const joined = this.#inTx.getStore();
		if (joined) return fn(joined);
		try {
			return (await this.#writer.begin(async (tx) => {
				await tx.unsafe('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK], { prepare: true });
				const queries = this.#queries(tx);
				return this.#inTx.run(queries, () => fn(queries));
			})) as T;
		} catch (err) {
			throw this.#mapped(err);
		}
	}

	/** Calls `fn` with the payload of every NOTIFY on `channel` (the client re-listens after a reconnect); returns the unlisten. */
	async listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>> {
		const { unlisten } = await this.sql.listen(channel, fn);
		return unlisten;
	}

	/** Runs a script of several statements (a migration) on its own, unprepared. */
	async exec(script: string, tx?: Tx): Promise<void> {
		await (tx ?? this.sql).unsafe(script).simple();
	}

	async close(): Promise<void> {
		await Promise.all([this.sql.end({ timeout: 5 }), this.#writer.end({ timeout: 5 })]);
	}
}
