/**
 * The handbook's store, on SQLite (the default: node:sqlite in the data directory) or on
 * Postgres (`HANDBOOK_DATABASE_URL=postgres://…`, shared by several instances): one interface,
 * every method a promise. This module is what the rest of the handbook imports.
 */
export type { HandbookStore as Store } from './handbook-store.ts';
export { dataDir, openStore, type OpenStoreOptions } from './open-store.ts';
export type { AuditEntry, FieldValue, Run, RunRecord, StoredResult, Tick } from './model.ts';
export { ChecksInFlightError, FrozenRunError, NotFoundError, postgresWriteFailure, StoreUnavailableError, StoreWriteError, writeFailure } from './errors.ts';
export { sha256 } from './sessions.ts';
export { breakGlassPerson } from './break-glass.ts';
