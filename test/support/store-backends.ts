import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { HandbookStore } from '../../src/store/handbook-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { startPostgres, type RunningPostgres } from './postgres.ts';

export interface StoreBackend {
	name: 'sqlite' | 'postgres';
	/**
	 * Opens a store on a fresh database (a temporary directory, or a new Postgres database);
	 * `reopen` opens another store on the same one, as a restarted or second instance would.
	 */
	open: (options?: { now?: () => Date }) => Promise<{ store: HandbookStore; reopen: (options?: { now?: () => Date }) => Promise<HandbookStore>; where: { dataDir?: string; databaseUrl?: string } }>;
}

let server: Promise<RunningPostgres> | undefined;

/** The test file's Postgres, started on first use and stopped after the file's tests. */
export function sharedPostgres(): Promise<RunningPostgres> {
	server ??= startPostgres();
	return server;
}

const opened: HandbookStore[] = [];
// Registered as the module loads (hooks added while a test runs are not kept): the stores
// close first, then the Postgres they used stops and its directory is removed.
afterAll(async () => {
	for (const s of opened.splice(0)) await s.close().catch(() => {});
	const pg = server;
	server = undefined;
	await (await pg)?.stop();
});

const track = async (p: Promise<HandbookStore>) => {
	const s = await p;
	opened.push(s);
	return s;
};

/** Both backends, for `describe.each(storeBackends)`: every store test runs on SQLite and on a real Postgres. */
export const storeBackends: StoreBackend[] = [
	{
		name: 'sqlite',
		open: async (options = {}) => {
			const dataDir = mkdtempSync(join(tmpdir(), 'handbook-store-'));
			const reopen = (o: { now?: () => Date } = {}) => track(openStore({ dataDir, databaseUrl: undefined, ...o }));
			return { store: await reopen(options), reopen, where: { dataDir } };
		},
	},
	{
		name: 'postgres',
		open: async (options = {}) => {
			const databaseUrl = await (await sharedPostgres()).database();
			const reopen = (o: { now?: () => Date } = {}) => track(openStore({ databaseUrl, ...o }));
			return { store: await reopen(options), reopen, where: { databaseUrl } };
		},
	},
];
