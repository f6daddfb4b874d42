import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, postgresWriteFailure, StoreUnavailableError, StoreWriteError, writeFailure } from '../../src/store/store.ts';
import postgres from 'postgres';
import { freePort } from '../support/server.ts';
import { sharedPostgres } from '../support/store-backends.ts';

// What both backends must do is in backends.test.ts (describe.each over SQLite and Postgres);
// here, what is particular to each: how it opens, and how it names a failure.
const tempDir = () => mkdtempSync(join(tmpdir(), 'handbook-store-'));

describe('openStore', () => {
	it('says clearly when the data directory cannot be used', async () => {
		const dir = tempDir();
		// A data directory path that runs through a file can never be created, whoever runs the test.
		writeFileSync(join(dir, 'not-a-dir'), '');
		await expect(openStore({ dataDir: join(dir, 'not-a-dir', 'data'), databaseUrl: undefined })).rejects.toThrow(StoreUnavailableError);
		await expect(openStore({ dataDir: join(dir, 'not-a-dir', 'data'), databaseUrl: undefined })).rejects.toThrow(
			/the data directory .*not-a-dir\/data cannot be used: .*\(set HANDBOOK_DATA_DIR to a writable directory\)/,
		);
	});

	it('picks SQLite by default and Postgres for a postgres:// URL, refusing any other URL by name', async () => {
		const store = await openStore({ dataDir: tempDir(), databaseUrl: undefined });
		expect(store.backend).toBe('sqlite');
		expect(store.location).toMatch(/handbook\.sqlite$/);
		await store.close();
		await expect(openStore({ databaseUrl: 'mysql://db/handbook' })).rejects.toThrow(/HANDBOOK_DATABASE_URL cannot be used: expected a postgres:\/\/ or postgresql:\/\/ URL, found "mysql:…"/);
	});

	it('says which Postgres cannot be reached, without its password', async () => {
		const port = await freePort();
		const err = await openStore({ databaseUrl: `postgres://handbook:s3cret@127.0.0.1:${port}/handbook` }).catch((e: Error) => e);
		expect(err).toBeInstanceOf(StoreUnavailableError);
		expect((err as Error).message).toMatch(new RegExp(`the Postgres database postgres://handbook:\\*\\*\\*@127\\.0\\.0\\.1:${port}/handbook cannot be used: .*\\(check HANDBOOK_DATABASE_URL and that the server is up\\)`));
		expect((err as Error).message).not.toContain('s3cret');
	});
});

describe('write failures', () => {
	it('maps the write failures SQLite reports to a reason, with a message that says nothing stored was lost', () => {
		// Extended result codes carry the primary code in their low byte (SQLITE_IOERR_WRITE = 778).
		expect(writeFailure({ errcode: 13 })).toBe('full');
		expect(writeFailure({ errcode: 8 })).toBe('read-only');
		expect(writeFailure({ errcode: 8 | (1 << 8) })).toBe('read-only');
		expect(writeFailure({ errcode: 778 })).toBe('io');
		expect(writeFailure({ errcode: 19 })).toBeNull();
		expect(writeFailure(new Error('not from SQLite'))).toBeNull();
		const full = new StoreWriteError('/data/handbook.db', 'full');
		expect(full.reason).toBe('full');
		expect(full.message).toBe('cannot write to /data/handbook.db: the disk is full. Nothing already stored was lost; free space or fix the data directory, then try again.');
		expect(new StoreWriteError('/d', 'read-only').message).toMatch(/it has become read-only/);
	});

	it("maps Postgres's SQLSTATEs for a server that cannot write: disk full, read-only, I/O error", () => {
		expect(postgresWriteFailure({ code: '53100' })).toBe('full');
		expect(postgresWriteFailure({ code: '25006' })).toBe('read-only');
		expect(postgresWriteFailure({ code: '58030' })).toBe('io');
		expect(postgresWriteFailure({ code: '23505' })).toBeNull();
		expect(postgresWriteFailure(new Error('not from Postgres'))).toBeNull();
	});

	it('refuses writes on a Postgres that turned read-only with StoreWriteError, and keeps answering reads', async () => {
		const pg = await sharedPostgres();
		const url = await pg.database();
		const store = await openStore({ databaseUrl: url });
		const run = await store.createRun({ checklist: 'pre-workshop', environment: 'test', actor: 'alice' });
		const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
		try {
			// As an operator's emergency switch would (this server is the test file's own): no session can write.
			await admin.unsafe('ALTER SYSTEM SET default_transaction_read_only = on');
			await admin.unsafe('SELECT pg_reload_conf()');
			// Each session reads the reloaded setting once it has taken the signal.
			while ((await admin.unsafe('SHOW default_transaction_read_only'))[0]!.default_transaction_read_only !== 'on') await new Promise((r) => setTimeout(r, 20));
			const err = await store.setTick(run.id, 'a', true, 'alice').catch((e: Error) => e);
			expect(err).toBeInstanceOf(StoreWriteError);
			expect((err as StoreWriteError).reason).toBe('read-only');
			expect((err as Error).message).toMatch(/^cannot write to postgres:\/\/handbook:\*\*\*@127\.0\.0\.1:\d+\/\w+: it has become read-only\. Nothing already stored was lost/);
			expect((await store.record(run.id)).ticks).toEqual([]);
		} finally {
			await admin.unsafe('ALTER SYSTEM RESET default_transaction_read_only');
			await admin.unsafe('SELECT pg_reload_conf()');
			await admin.end();
			await store.close();
		}
	});
});
