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
});
