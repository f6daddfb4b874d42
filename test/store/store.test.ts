import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrozenRunError, NotFoundError, Store, StoreUnavailableError, StoreWriteError, writeFailure } from '../../src/store/store.ts';
import type { CheckResult } from '../../src/checks/runner.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'handbook-store-'));
const result = (over: Partial<CheckResult> = {}): CheckResult => ({
	checkId: 'healthz', environment: 'test', region: 'r-one', status: 'pass', message: 'OK', observed: { status: 200 }, durationMs: 12,
	startedAt: '2026-11-22T10:00:00.000Z', finishedAt: '2026-11-22T10:00:00.012Z', ...over,
});

describe('Store', () => {
	it('records a run: results, ticks, fields, decision and sign-off, with an audit trail', () => {
		const store = new Store(tempDir());
		const run = store.createRun({ checklist: 'pre-workshop', environment: 'test', workshop: '2026-12', pageRevision: 'abc123', actor: 'alice' });
		const [id] = store.beginCheck({ runId: run.id, checkId: 'healthz', environment: 'test', regions: ['r-one'], actor: 'alice', pageRevision: 'abc123' });
		expect(store.record(run.id).results[0]).toMatchObject({ state: 'running', status: null });
		store.finishCheck(id!, result(), 'alice');
		store.setTick(run.id, 'support-notified', true, 'bob');
		store.setField(run.id, 'expected-attendance', '18', 'bob');
		store.decide(run.id, 'go', null, 'alice');
		store.signOff(run.id, 'alice');
		const record = store.record(run.id);
		expect(record.results).toHaveLength(1);
		expect(record.results[0]).toMatchObject({ state: 'done', status: 'pass', observed: { status: 200 }, pageRevision: 'abc123', requestedBy: 'alice' });
		expect(record.ticks).toEqual([expect.objectContaining({ itemId: 'support-notified', checked: true, by: 'bob' })]);
		expect(record.fields).toEqual([expect.objectContaining({ name: 'expected-attendance', value: '18' })]);
		expect(record.run).toMatchObject({ decision: 'go', signedOffBy: 'alice', workshop: '2026-12' });
		expect(store.auditLog({ runId: run.id }).map((e) => e.action)).toEqual(['run.start', 'check.start', 'check.result', 'item.tick', 'field.set', 'run.decide', 'run.sign-off']);
		expect(store.auditLog({ runId: run.id }).every((e) => e.pageRevision === 'abc123')).toBe(true);
		store.close();
	});

	it('freezes a signed-off run without losing what it holds', () => {
		const store = new Store(tempDir());
		const run = store.createRun({ checklist: 'pre-workshop', environment: 'test', actor: 'alice' });
		store.setTick(run.id, 'a', true, 'alice');
		store.decide(run.id, 'no-go', 'DNS change pending', 'alice');
		store.signOff(run.id, 'alice');
		expect(() => store.setTick(run.id, 'a', false, 'mallory')).toThrow(FrozenRunError);
		expect(() => store.beginCheck({ runId: run.id, checkId: 'x', environment: 'test', regions: [null], actor: 'x' })).toThrow(FrozenRunError);
		expect(store.record(run.id).ticks[0]!.checked).toBe(true);
		expect(() => store.run('nope')).toThrow(NotFoundError);
		store.close();
	});

	it('keeps the latest result per check and region, and lists them for metrics', () => {
		const store = new Store(tempDir());
		for (const status of ['fail', 'pass'] as const) {
			const [id] = store.beginCheck({ runId: null, checkId: 'healthz', environment: 'test', regions: ['r-one'], actor: 'cli' });
			store.finishCheck(id!, result({ status }), 'cli');
		}
		expect(store.latestResults('test').map((r) => r.status)).toEqual(['pass']);
		store.close();
	});

	it('marks checks a killed process left running as interrupted, keeping everything written before', async () => {
		const dir = tempDir();
		// A real process writes a run and a finished result, starts a second check, and is killed -9.
		const script = `
			import { Store } from ${JSON.stringify(new URL('../../src/store/store.ts', import.meta.url).pathname)};
			const s = new Store(${JSON.stringify(dir)});
			const run = s.createRun({ checklist: 'pre-workshop', environment: 'test', actor: 'alice' });
			const [done] = s.beginCheck({ runId: run.id, checkId: 'dns-records', environment: 'test', regions: [null], actor: 'alice' });
			s.finishCheck(done, { checkId: 'dns-records', environment: 'test', region: null, status: 'pass', message: 'ok', observed: {}, durationMs: 1, startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() }, 'alice');
			s.setTick(run.id, 'support-notified', true, 'alice');
			s.beginCheck({ runId: run.id, checkId: 'smoke-workspace', environment: 'test', regions: ['r-one', 'r-two'], actor: 'alice' });
			console.log(run.id);
			setInterval(() => {}, 1000);
		`;
		const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
		const runId = await new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d).trim())));
		child.kill('SIGKILL');
		await new Promise((r) => child.once('exit', r));

		const store = new Store(dir);
		const record = store.record(runId);
		expect(record.ticks.map((t) => t.itemId)).toEqual(['support-notified']);
		expect(record.results.find((r) => r.checkId === 'dns-records')).toMatchObject({ state: 'done', status: 'pass' });
		const interrupted = record.results.filter((r) => r.checkId === 'smoke-workspace');
		expect(interrupted.map((r) => [r.region, r.state, r.status])).toEqual([
			['r-one', 'interrupted', 'error'],
			['r-two', 'interrupted', 'error'],
		]);
		expect(interrupted[0]!.message).toMatch(/^interrupted/);
		expect(store.interruptUnfinished()).toBe(0);
		store.close();
	});

	it('says clearly when the data directory cannot be used', () => {
		const dir = tempDir();
		// A data directory path that runs through a file can never be created, whoever runs the test.
		writeFileSync(join(dir, 'not-a-dir'), '');
		expect(() => new Store(join(dir, 'not-a-dir', 'data'))).toThrow(StoreUnavailableError);
		expect(() => new Store(join(dir, 'not-a-dir', 'data'))).toThrow(/the data directory .*not-a-dir\/data cannot be used: .*\(set HANDBOOK_DATA_DIR to a writable directory\)/);
	});

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

	it('keeps sessions as hashes and expires them', () => {
		let now = new Date('2026-11-22T10:00:00Z');
		const store = new Store(tempDir(), { now: () => now });
		const cookie = store.createSession('alice', 1);
		expect(store.sessionName(cookie)).toBe('alice');
		expect(JSON.stringify(store.db.prepare('SELECT * FROM sessions').all())).not.toContain(cookie);
		now = new Date('2026-11-22T11:00:01Z');
		expect(store.sessionName(cookie)).toBeNull();
		store.close();
	});
});
