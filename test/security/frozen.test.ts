import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecksInFlightError, openStore } from '../../src/store/store.ts';
import { apiClient } from '../support/api-client.ts';
import { facilitatorToken, startHandbook } from '../support/handbook.ts';
import type { RunningServer } from '../support/server.ts';
import { startHeldUpstream, slowSmokeCheck } from '../support/held-upstream.ts';
import type { TestServer } from '../support/targets/https-server.ts';

/** The run's audit actions in order, read from the SQLite file as an auditor would. */
function auditActions(dir: string, runId: string): string[] {
	const db = new DatabaseSync(join(dir, 'handbook.sqlite'), { readOnly: true });
	try {
		return (db.prepare('SELECT action FROM audit WHERE run_id = ? ORDER BY id').all(runId) as Array<{ action: string }>).map((r) => r.action);
	} finally {
		db.close();
	}
}

describe('a signed-off run is frozen', () => {
	let target: TestServer;
	let server: RunningServer;
	let dir: string;
	let upstream: Awaited<ReturnType<typeof startHeldUpstream>>;
	beforeAll(async () => {
		upstream = await startHeldUpstream();
		target = upstream.target;
		const handbook = await startHandbook({ checks: [slowSmokeCheck(target)] });
		server = handbook.server;
		dir = handbook.dataDir;
	});
	afterAll(async () => {
		upstream?.release();
		await server?.stop();
		await target?.stop();
	});

	it('refuses sign-off while a check of the run is in flight, naming it; signs off once it has finished, and nothing is written after', async () => {
		const api = apiClient(server.url);
		await api.signIn(facilitatorToken, 'Alice');
		const runId = (await api.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
		expect((await api.call(`/api/runs/${runId}/decision`, { json: { decision: 'go', note: 'go for the freeze test: the blockers are not what it is about' } })).status).toBe(200);
		const check = api.call(`/api/runs/${runId}/checks/smoke-workspace`, { method: 'POST' });
		for (let i = 0; i < 200 && upstream.held() === 0; i++) await new Promise((r) => setTimeout(r, 25));
		expect(upstream.held(), 'the check reached the slow upstream').toBe(1);

		const refused = await api.call(`/api/runs/${runId}/sign-off`, { json: {} });
		expect(refused.status).toBe(409);
		expect(refused.body.error).toMatch(/cannot be signed off while checks are running: smoke-workspace.*Sign off once they have finished/);
		expect((await api.call(`/api/runs/${runId}`)).body.run.signedOffAt).toBeNull();

		upstream.release();
		expect((await check).body.results).toEqual([expect.objectContaining({ status: 'pass' })]);
		const signed = await api.call(`/api/runs/${runId}/sign-off`, { json: {} });
		expect(signed.status, JSON.stringify(signed.body)).toBe(200);
		expect(signed.body.run.signedOffBy).toBe('Alice');

		// Frozen: a new check run is refused before it reaches the upstream.
		const before = upstream.held();
		expect((await api.call(`/api/runs/${runId}/checks/smoke-workspace`, { method: 'POST' })).status).toBe(409);
		expect(upstream.held()).toBe(before);
		const actions = auditActions(dir, runId);
		expect(actions.at(-1)).toBe('run.sign-off');
		expect(actions.filter((a) => a === 'check.result')).toHaveLength(1);
	});
});

describe('a result that arrives after sign-off', () => {
	it('goes to the audit log only; the signed-off record keeps what was signed', async () => {
		let now = new Date('2026-12-01T09:00:00Z');
		const store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'handbook-frozen-store-')), databaseUrl: undefined, now: () => now });
		try {
			const run = await store.createRun({ checklist: 'pre-workshop', environment: 'local', actor: 'Alice' });
			await store.decide(run.id, 'go', null, 'Alice');
			const [row] = await store.beginCheck({ runId: run.id, checkId: 'smoke-workspace', environment: 'local', regions: [null], actor: 'cli' });
			// By default every running check blocks the sign-off.
			await expect(store.signOff(run.id, 'Alice')).rejects.toThrow(ChecksInFlightError);
			// Its process is gone (past its deadline): sign-off settles it as interrupted and freezes the run.
			now = new Date('2026-12-01T10:00:00Z');
			await store.signOff(run.id, 'Alice', { inFlight: () => false });
			const signed = await store.record(run.id);
			expect(signed.results).toEqual([expect.objectContaining({ id: row, state: 'interrupted', status: 'error' })]);

			// The process was only slow: its result arrives now.
			await store.finishCheck(row!, { checkId: 'smoke-workspace', environment: 'local', region: null, status: 'pass', message: 'created in 41 s', observed: { seconds: 41 }, durationMs: 41_000, startedAt: now.toISOString(), finishedAt: now.toISOString() }, 'cli');
			const after = await store.record(run.id);
			expect(after.results).toEqual(signed.results);
			const audit = await store.auditLog({ runId: run.id });
			expect(audit.at(-1)).toMatchObject({ action: 'check.late-result', target: 'smoke-workspace', detail: { status: 'pass', message: 'created in 41 s', resultId: row } });
			expect(audit.map((a) => a.action).slice(-3)).toEqual(['check.interrupted', 'run.sign-off', 'check.late-result']);
		} finally {
			await store.close();
		}
	});

	it('a restart leaves a signed-off run untouched', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'handbook-frozen-restart-'));
		let store = await openStore({ dataDir: dir, databaseUrl: undefined });
		const run = await store.createRun({ checklist: 'pre-workshop', environment: 'local', actor: 'Alice' });
		await store.decide(run.id, 'go', null, 'Alice');
		// A record signed off while a row was still running (possible before sign-off refused it).
		await store.beginCheck({ runId: run.id, checkId: 'smoke-workspace', environment: 'local', regions: [null], actor: 'cli' });
		const file = new DatabaseSync(join(dir, 'handbook.sqlite'));
		file.prepare('UPDATE runs SET signed_off_by = ?, signed_off_at = ? WHERE id = ?').run('Alice', new Date().toISOString(), run.id);
		file.close();
		const signed = await store.record(run.id);
		await store.close();
		store = await openStore({ dataDir: dir, databaseUrl: undefined });
		try {
			expect(await store.record(run.id)).toEqual(signed);
		} finally {
			await store.close();
		}
	});
});
