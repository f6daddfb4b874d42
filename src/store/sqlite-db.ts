import { AsyncLocalStorage } from 'node:async_hooks';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { StoreUnavailableError, StoreWriteError, writeFailure } from './errors.ts';
import type { SqlDb, SqlQueries, SqlRow, SqlValue } from './sql.ts';

/**
 * The SQLite backend: one file in WAL mode through node:sqlite, each statement prepared once.
 * node:sqlite is synchronous; the promise interface is the store's, shared with Postgres.
 * A transaction holds the connection across its awaits, so statements from other callers wait
 * for it (they would otherwise run inside it); statements of the transaction's own async flow
 * (found through AsyncLocalStorage) join it.
 */
export class SqliteDb implements SqlDb {
	readonly dialect = 'sqlite' as const;
	readonly location: string;
	readonly #db: DatabaseSync;
	readonly #statements = new Map<string, StatementSync>();
	readonly #inTx = new AsyncLocalStorage<SqlQueries>();
	/**
	 * Settles when the open transaction on this file ends: shared by every connection of this
	 * process to the file, since a second connection's BEGIN would block the thread (busy
	 * timeout) while the first waits for the thread to finish its transaction.
	 */
	readonly #lock: { busy?: Promise<void> };
	static readonly #locks = new Map<string, { busy?: Promise<void> }>();

	constructor(dir: string) {
		try {
			mkdirSync(dir, { recursive: true });
			accessSync(dir, constants.W_OK);
		} catch (err) {
			const code = (err as NodeJS.ErrnoException).code;
			throw new StoreUnavailableError(dir, code === 'EACCES' || code === 'EROFS' ? 'it is not writable' : (err as Error).message);
		}
		this.location = join(dir, 'handbook.sqlite');
		this.#lock = SqliteDb.#locks.get(this.location) ?? {};
		SqliteDb.#locks.set(this.location, this.#lock);
		try {
			this.#db = new DatabaseSync(this.location, { timeout: 5_000 });
			// WAL with synchronous NORMAL: a commit survives the process being killed (what the
			// fault tests prove); only an OS crash or power loss can take the last commits back.
			this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
		} catch (err) {
			throw new StoreUnavailableError(dir, (err as Error).message);
		}
	}

	#statement(sql: string): StatementSync {
		let s = this.#statements.get(sql);
		if (!s) {
			s = this.#db.prepare(sql);
			this.#statements.set(sql, s);
		}
		return s;
	}

	#direct: SqlQueries = {
		all: async (sql, params = []) => this.#statement(sql).all(...(params as SQLInputValue[])) as SqlRow[],
		get: async (sql, params = []) => this.#statement(sql).get(...(params as SQLInputValue[])) as SqlRow | undefined,
		run: async (sql, params = []) => {
			const s = this.#statement(sql);
			if (/\bRETURNING\b/i.test(sql)) return s.all(...(params as SQLInputValue[])) as SqlRow[];
			s.run(...(params as SQLInputValue[]));
			return [];
		},
	};

	async #outside<T>(op: (q: SqlQueries) => Promise<T>): Promise<T> {
		const tx = this.#inTx.getStore();
		if (tx) return op(tx);
		while (this.#lock.busy) await this.#lock.busy;
		try {
			return await op(this.#direct);
		} catch (err) {
			throw this.#mapped(err);
		}
	}

	all(sql: string, params?: readonly SqlValue[]) {
		return this.#outside((q) => q.all(sql, params));
	}

	get(sql: string, params?: readonly SqlValue[]) {
		return this.#outside((q) => q.get(sql, params));
	}

	run(sql: string, params?: readonly SqlValue[]) {
		return this.#outside((q) => q.run(sql, params));
	}

	#mapped(err: unknown): unknown {
		const reason = writeFailure(err);
		return reason ? new StoreWriteError(this.location, reason) : err;
	}

	async transaction<T>(fn: (tx: SqlQueries) => Promise<T>): Promise<T> {
		const joined = this.#inTx.getStore();
		if (joined) return fn(joined);
		while (this.#lock.busy) await this.#lock.busy;
		let release!: () => void;
		this.#lock.busy = new Promise((resolve) => (release = resolve));
		try {
			this.#db.exec('BEGIN IMMEDIATE');
			try {
				const out = await this.#inTx.run(this.#direct, () => fn(this.#direct));
				this.#db.exec('COMMIT');
				return out;
			} catch (err) {
				if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
				throw err;
			}
		} catch (err) {
			throw this.#mapped(err);
		} finally {
			this.#lock.busy = undefined;
			release();
		}
	}

	/** Runs a script of several statements (a migration) inside the current transaction. */
	async exec(script: string): Promise<void> {
		this.#db.exec(script);
	}

	async userVersion(): Promise<number> {
		return Number((this.#db.prepare('PRAGMA user_version').get() as SqlRow).user_version);
	}

	async close(): Promise<void> {
		if (this.#db.isOpen) this.#db.close();
	}
}
