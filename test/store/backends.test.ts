import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/checks/runner.ts';
import { ChecksInFlightError, FrozenRunError, NotFoundError } from '../../src/store/errors.ts';
import { storeBackends } from '../support/store-backends.ts';

const result = (over: Partial<CheckResult> = {}): CheckResult => ({
	checkId: 'healthz', environment: 'test', region: 'r-one', status: 'pass', message: 'OK', observed: { status: 200 }, durationMs: 12,
	startedAt: '2026-11-22T10:00:00.000Z', finishedAt: '2026-11-22T10:00:00.012Z', ...over,
});

describe.each(storeBackends)('store on $name', (backend) => {
	it('records a run: results, ticks, fields, decision and sign-off, with an audit trail', async () => {
		const { store } = await backend.open();
		const run = await store.createRun({ checklist: 'pre-workshop', environment: 'test', workshop: '2026-12', pageRevision: 'abc123', actor: 'alice' });
		const [id] = await store.beginCheck({ runId: run.id, checkId: 'healthz', environment: 'test', regions: ['r-one'], actor: 'alice', pageRevision: 'abc123' });
		expect((await store.record(run.id)).results[0]).toMatchObject({ state: 'running', status: null });
		await store.finishCheck(id!, result(), 'alice');
		await store.setTick(run.id, 'support-notified', true, 'bob');
		await store.setField(run.id, 'expected-attendance', '18', 'bob');
		await store.decide(run.id, 'go', null, 'alice');
		await store.signOff(run.id, 'alice');
		const record = await store.record(run.id);
		expect(record.results).toHaveLength(1);
		expect(record.results[0]).toMatchObject({ id, state: 'done', status: 'pass', observed: { status: 200 }, durationMs: 12, pageRevision: 'abc123', requestedBy: 'alice' });
		expect(record.ticks).toEqual([expect.objectContaining({ itemId: 'support-notified', checked: true, by: 'bob' })]);
		expect(record.fields).toEqual([expect.objectContaining({ name: 'expected-attendance', value: '18' })]);
		expect(record.run).toMatchObject({ decision: 'go', signedOffBy: 'alice', workshop: '2026-12', scenario: null });
		const log = await store.auditLog({ runId: run.id });
		expect(log.map((e) => e.action)).toEqual(['run.start', 'check.start', 'check.result', 'item.tick', 'field.set', 'run.decide', 'run.sign-off']);
		expect(log.every((e) => e.pageRevision === 'abc123')).toBe(true);
		expect(record.revision).toBe(log.at(-1)!.id);
		expect(await store.auditCount(run.id, log[2]!.id, 100)).toBe(4);
		expect(await store.auditCount(run.id, 0, 3)).toBe(3);
	});

	it('freezes a signed-off run without losing what it holds', async () => {
		const { store } = await backend.open();
		const run = await store.createRun({ checklist: 'pre-workshop', environment: 'test', actor: 'alice' });
		await store.setTick(run.id, 'a', true, 'alice');
		await store.decide(run.id, 'no-go', 'DNS change pending', 'alice');
		await store.signOff(run.id, 'alice');
		await expect(store.setTick(run.id, 'a', false, 'mallory')).rejects.toThrow(FrozenRunError);
		await expect(store.setField(run.id, 'f', 'x', 'mallory')).rejects.toThrow(FrozenRunError);
		await expect(store.beginCheck({ runId: run.id, checkId: 'x', environment: 'test', regions: [null], actor: 'x' })).rejects.toThrow(FrozenRunError);
		expect((await store.record(run.id)).ticks[0]!.checked).toBe(true);
		await expect(store.run('nope')).rejects.toThrow(NotFoundError);
	});

	it('refuses a sign-off while checks are in flight, and keeps a late result out of the signed record', async () => {
		const { store } = await backend.open();
		const run = await store.createRun({ checklist: 'pre-workshop', environment: 'test', actor: 'alice' });
		const [a, b] = await store.beginCheck({ runId: run.id, checkId: 'healthz', environment: 'test', regions: [null, 'r-two'], actor: 'alice' });
		await expect(store.signOff(run.id, 'alice')).rejects.toThrow(ChecksInFlightError);
		await expect(store.signOff(run.id, 'alice')).rejects.toThrow(/cannot be signed off while checks are running: healthz \(r-two\)/);
		// Rows the caller rules out (their process is gone) are settled as interrupted by the sign-off.
		await store.finishCheck(a!, result({ region: null }), 'alice');
		await store.signOff(run.id, 'alice', { inFlight: async () => false });
		await store.finishCheck(b!, result({ region: 'r-two', status: 'fail' }), 'alice');
		const record = await store.record(run.id);
		expect(record.results.map((r) => [r.region, r.state])).toEqual([
			[null, 'done'],
			['r-two', 'interrupted'],
		]);
		expect((await store.auditLog({ runId: run.id })).map((e) => e.action).slice(-3)).toEqual(['check.interrupted', 'run.sign-off', 'check.late-result']);
	});

	it('keeps the latest result per check and region, and lists them for metrics', async () => {
		const { store } = await backend.open();
		for (const status of ['fail', 'pass'] as const) {
			const [id] = await store.beginCheck({ runId: null, checkId: 'healthz', environment: 'test', regions: ['r-one'], actor: 'cli' });
			await store.finishCheck(id!, result({ status }), 'cli');
		}
		expect((await store.latestResults('test')).map((r) => r.status)).toEqual(['pass']);
		expect((await store.latestResults()).map((r) => r.status)).toEqual(['pass']);
		expect(await store.latestResults('other')).toEqual([]);
	});

	it('lists runs newest first, filtered, and records a field only if it is unchanged', async () => {
		const { store } = await backend.open({ now: () => new Date('2026-11-22T10:00:00Z') });
		const first = await store.createRun({ checklist: 'pre-workshop', environment: 'test', workshop: '2026-12', actor: 'alice' });
		const second = await store.createRun({ checklist: 'pre-workshop', environment: 'test', workshop: '2026-12', actor: 'alice' });
		await store.createRun({ checklist: 't-1', environment: 'test', actor: 'alice' });
		expect((await store.listRuns({ checklist: 'pre-workshop' })).map((r) => r.id)).toEqual([second.id, first.id]);
		expect(await store.listRuns({ workshop: '2026-12', limit: 1 })).toHaveLength(1);
		expect(await store.setFieldIfUnchanged(first.id, 'owner', '', 'bob', 'bob')).toMatchObject({ ok: true });
		expect(await store.setFieldIfUnchanged(first.id, 'owner', '', 'carol', 'carol')).toMatchObject({ ok: false, current: { value: 'bob', by: 'bob' } });
	});

	it('keeps sessions as hashes and expires them, and settings', async () => {
		let now = new Date('2026-11-22T10:00:00Z');
		const { store } = await backend.open({ now: () => now });
		const cookie = await store.createSession('alice', 1);
		expect(await store.sessionName(cookie)).toBe('alice');
		expect(await store.sessionName('forged')).toBeNull();
		now = new Date('2026-11-22T11:00:01Z');
		expect(await store.sessionName(cookie)).toBeNull();
		await store.setSetting('k', 'v1');
		await store.setSetting('k', 'v2');
		expect(await store.setting('k')).toBe('v2');
		await store.setSetting('k', null);
		expect(await store.setting('k')).toBeNull();
	});

	it('shares what one store writes with a second store on the same database', async () => {
		const { store, reopen } = await backend.open();
		const other = await reopen();
		const run = await store.createRun({ checklist: 'pre-workshop', environment: 'test', actor: 'alice' });
		await other.setTick(run.id, 'x', true, 'bob');
		const cookie = await other.createSession('bob');
		expect(await store.sessionName(cookie)).toBe('bob');
		expect((await store.record(run.id)).ticks.map((t) => t.by)).toEqual(['bob']);
	});

	it('gives audit ids in commit order under concurrent writers, with no gaps a cursor could skip', async () => {
		const { store, reopen } = await backend.open();
		const other = await reopen();
		const run = await store.createRun({ checklist: 'pre-workshop', environment: 'test', actor: 'alice' });
		await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store : other).setTick(run.id, `item-${i}`, true, 'alice')));
		const log = await store.auditLog({ runId: run.id });
		expect(log).toHaveLength(41);
		expect(log.map((e) => e.id)).toEqual([...log.map((e) => e.id)].sort((a, b) => a - b));
		expect(new Set(log.map((e) => e.target)).size).toBe(41);
	});

	it('records run events and finds the last one of some actions', async () => {
		const { store } = await backend.open();
		const run = await store.createRun({ checklist: 'pre-workshop', environment: 'test', pageRevision: 'r1', actor: 'alice' });
		const start = await store.recordEvent({ actor: 'alice', action: 'run-all.start', runId: run.id, target: '2', detail: { since: 0 } });
		expect(start).toMatchObject({ action: 'run-all.start', runId: run.id, pageRevision: 'r1', detail: { since: 0 } });
		expect(await store.lastEvent(run.id, ['run-all.start', 'run-all.finish'])).toEqual(start);
		expect(await store.lastEvent(run.id, ['run-all.finish'])).toBeNull();
		await store.interruptQueued({ runId: run.id, checkIds: ['a', 'b'], environment: 'test', message: 'interrupted: cut', actor: 'system' });
		expect((await store.record(run.id)).results.map((r) => [r.checkId, r.state, r.status])).toEqual([
			['a', 'interrupted', 'error'],
			['b', 'interrupted', 'error'],
		]);
	});

	it('keeps everything acknowledged when a writing process is killed -9, and interrupts what it left running', async () => {
		const { store, reopen, where } = await backend.open();
		// A real process writes a run and a finished result, starts a second check, and is killed -9.
		const script = `
			import { openStore } from ${JSON.stringify(new URL('../../src/store/open-store.ts', import.meta.url).pathname)};
			const s = await openStore(${JSON.stringify(where)});
			const run = await s.createRun({ checklist: 'pre-workshop', environment: 'test', actor: 'alice' });
			const [done] = await s.beginCheck({ runId: run.id, checkId: 'dns-records', environment: 'test', regions: [null], actor: 'alice' });
			await s.finishCheck(done, { checkId: 'dns-records', environment: 'test', region: null, status: 'pass', message: 'ok', observed: {}, durationMs: 1, startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() }, 'alice');
			await s.setTick(run.id, 'support-notified', true, 'alice');
			await s.beginCheck({ runId: run.id, checkId: 'smoke-workspace', environment: 'test', regions: ['r-one', 'r-two'], actor: 'alice' });
			console.log(run.id);
			setInterval(() => {}, 1000);
		`;
		const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, HANDBOOK_INSTANCE_LEASE_SECONDS: '1' } });
		const runId = await new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d).trim())));
		child.kill('SIGKILL');
		await new Promise((r) => child.once('exit', r));

		const record = await store.record(runId);
		expect(record.ticks.map((t) => t.itemId)).toEqual(['support-notified']);
		expect(record.results.find((r) => r.checkId === 'dns-records')).toMatchObject({ state: 'done', status: 'pass' });
		// SQLite interrupts them when it next opens (the sole writer); Postgres once the dead process's lease runs out.
		if (backend.name === 'postgres') {
			// Its lease (1 s) runs out; a sweep (this one, or the store's own on its heartbeat) interrupts the rows.
			await new Promise((r) => setTimeout(r, 1100));
			await store.instances.sweep();
			expect(await store.instances.sweep()).toBe(0);
		} else {
			const reopened = await reopen();
			expect(await reopened.interruptUnfinished()).toBe(0);
		}
		const interrupted = (await store.record(runId)).results.filter((r) => r.checkId === 'smoke-workspace');
		expect(interrupted.map((r) => [r.region, r.state, r.status])).toEqual([
			['r-one', 'interrupted', 'error'],
			['r-two', 'interrupted', 'error'],
		]);
		expect(interrupted[0]!.message).toMatch(/^interrupted/);
	});

	it('runs one probe for identical checks across two stores, and shares its answer for the cache window', async () => {
		const { store, reopen } = await backend.open();
		const other = await reopen();
		let probes = 0;
		const probe = async () => {
			probes++;
			await new Promise((r) => setTimeout(r, 100));
			return [result()];
		};
		const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store : other).flights.run('test/healthz', 30, probe)));
		expect(probes).toBe(1);
		expect(answers.filter((a) => !a.shared)).toHaveLength(1);
		expect(answers.every((a) => a.results[0]!.status === 'pass')).toBe(true);
		expect((await other.flights.run('test/healthz', 30, probe)).shared).toBe(true);
		expect(probes).toBe(1);
		// No cache window: the next request probes again.
		await store.flights.run('test/tls', 0, probe);
		await other.flights.run('test/tls', 0, probe);
		expect(probes).toBe(3);
	});

	it('spends rate-limit tokens from one bucket per client across stores', async () => {
		const { store, reopen } = await backend.open();
		const other = await reopen();
		const now = Date.parse('2026-11-22T10:00:00Z');
		const waits: number[] = [];
		for (let i = 0; i < 6; i++) waits.push(await (i % 2 ? store : other).rateBuckets.take('run:10.0.0.1', 4, 20, now));
		expect(waits).toEqual([0, 0, 0, 0, 3, 3]);
		expect(await store.rateBuckets.take('run:10.0.0.2', 4, 20, now)).toBe(0);
		expect(await other.rateBuckets.take('run:10.0.0.1', 4, 20, now + 3_000)).toBe(0);
	});
});
