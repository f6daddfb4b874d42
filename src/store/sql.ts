/**
 * What the store's concern modules (runs, results, audit, sessions, workshop loop) need from a
 * database: statements with `?` placeholders, written once in the SQL both SQLite and Postgres
 * speak (RETURNING, ON CONFLICT … DO UPDATE, CAST(? AS TEXT) where a parameter's type is not
 * implied), and write transactions. One implementation per backend: `sqlite-db.ts`, `postgres-db.ts`.
 */

/** A parameter value: what both backends bind. */
export type SqlValue = string | number | null;

/** A row as both backends return it; mappers coerce (Postgres returns bigints as strings). */
export type SqlRow = Record<string, unknown>;

/** Statements on one connection or inside one transaction. */
export interface SqlQueries {
	/** Every row of a query. */
	all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
	/** The first row of a query, or undefined. */
	get(sql: string, params?: readonly SqlValue[]): Promise<SqlRow | undefined>;
	/** A statement run for its effect; returns its RETURNING rows (or none). */
	run(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
}

export interface SqlDb extends SqlQueries {
	readonly dialect: 'sqlite' | 'postgres';
	/** Where the data lives, for error messages (a file, or a Postgres URL without its password). */
	readonly location: string;
	/**
	 * Runs `fn` as one write transaction: writers are serialized (SQLite: BEGIN IMMEDIATE;
	 * Postgres: a transaction-scoped advisory lock), so audit ids are given in commit order and a
	 * sign-off and a check start never interleave. A write the disk refuses throws StoreWriteError.
	 */
	transaction<T>(fn: (tx: SqlQueries) => Promise<T>): Promise<T>;
	close(): Promise<void>;
}

/** A row's column as a number (Postgres sends bigint and count as strings). */
export const num = (v: unknown): number => Number(v);

/** A nullable text column. */
export const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
