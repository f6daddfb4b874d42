import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecklistRegistry } from '../../src/checklists/registry.ts';
import { apiClient } from '../support/api-client.ts';
import { startPostgres, type RunningPostgres } from '../support/postgres.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { openEventStream } from '../support/sse.ts';
import { startHttpServer, type TestServer } from '../support/targets/https-server.ts';

// Two real handbook servers (A and B) on one real Postgres, as two replicas behind a load
// balancer: what one writes the other reads, live events cross over, probes are not repeated,
// and work a dead instance leaves is finished or marked interrupted by the other.
const token = 'instances-token-5521';
const items = new ChecklistRegistry().get('pre-workshop')!.items.filter((i) => !i.checkId).map((i) => i.id);
const exited = (server: RunningServer) => new Promise<void>((r) => (server.process.exitCode !== null || server.process.signalCode !== null ? r() : server.process.once('exit', () => r())));

describe('several instances on one Postgres', () => {
	let pg: RunningPostgres;
	let target: TestServer;
	let probes = 0;
	let release: () => void = () => {};
	let held = 0;
	let env: Record<string, string>;
	let a: RunningServer;
	let b: RunningServer;
	beforeAll(async () => {
		pg = await startPostgres();
		target = await startHttpServer(async (req, res) => {
			if (req.url === '/healthz') {
				probes++;
				await new Promise((r) => setTimeout(r, 300));
			}
			if (req.url === '/slow') {
				held++;
				await new Promise<void>((r) => (release = r));
			}
			res.end('OK');
		});
		const dir = mkdtempSync(join(tmpdir(), 'handbook-instances-'));
		const config = join(dir, 'handbook.config.ts');
		const check = (id: string, path: string, cacheSeconds: number) => ({ id, title: id, kind: 'http', timeoutMs: 60_000, cacheSeconds, runbook: '/incidents/', params: { url: `${target.url}${path}` }, outcomes: [{ status: 'pass', message: 'ok' }] });
		writeFileSync(
			config,
			`export default ${JSON.stringify({
				defaultEnvironment: 'local',
				environments: { local: { title: 'Local', regions: [{ name: 'loopback', title: 'Loopback', host: '127.0.0.1', wildcard: '*.example.test', kubeContext: 'none', proxy: 'primary' }] } },
				checks: [check('healthz', '/healthz', 60), check('coder-health', '/fast', 0), check('smoke-workspace', '/slow', 0)],
			})};\n`,
		);
		env = { HANDBOOK_CONFIG: config, HANDBOOK_DATABASE_URL: await pg.database(), HANDBOOK_FACILITATOR_TOKEN: token, HANDBOOK_INSTANCE_LEASE_SECONDS: '2', HANDBOOK_DRAIN_SECONDS: '1' };
		[a, b] = await Promise.all([startServer({ ...env, HANDBOOK_DATA_DIR: join(dir, 'a') }), startServer({ ...env, HANDBOOK_DATA_DIR: join(dir, 'b') })]);
	});
	afterAll(async () => {
		release();
		for (const server of [a, b]) if (server && server.process.exitCode === null && server.process.signalCode === null) await server.stop();
		await target?.stop();
		await pg?.stop();
	});

	const signedIn = async (server: RunningServer) => {
		const api = apiClient(server.url);
		await api.signIn(token);
		return api;
	};

	it('reads on B a run started on A, and shares the session a facilitator signed in with', async () => {
		const onA = await signedIn(a);
		const runId = (await onA.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
		const onB = apiClient(b.url);
		// The cookie A set works on B: sessions live in the store.
		const read = await onB.call(`/api/runs/${runId}`, { headers: { cookie: onA.cookie } });
		expect(read.status).toBe(200);
		expect(read.body.run).toMatchObject({ id: runId, checklist: 'pre-workshop' });
		expect((await onB.call(`/api/runs/${runId}/items/${items[0]}`, { json: { checked: true }, headers: { cookie: onA.cookie } })).status).toBe(200);
		expect((await onA.call(`/api/runs/${runId}`)).body.ticks).toEqual([expect.objectContaining({ itemId: items[0], checked: true })]);
	});

	it("delivers a tick on A to B's live streams within a second", async () => {
		const onA = await signedIn(a);
		const runId = (await onA.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
		const stream = await openEventStream(`${b.url}/api/runs/${runId}/events`);
		await stream.until((e) => e.event === 'run.start');
		await onA.call(`/api/runs/${runId}/items/${items[1]}`, { json: { checked: true } });
		const tick = await stream.until((e) => e.event === 'item.tick', 1000);
		expect(JSON.parse(tick.data)).toMatchObject({ target: items[1], actor: 'facilitator' });
		stream.close();
	});

	it('runs 200 identical check requests split across A and B as one probe', async () => {
		const [onA, onB] = [await signedIn(a), await signedIn(b)];
		const runId = (await onA.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
		const before = probes;
		const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? onA : onB).call(`/api/runs/${runId}/checks/healthz`, { method: 'POST' })));
		expect(answers.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
		expect(answers.map((r) => `${r.body.results[0].status} ${r.body.results[0].message}`).filter((s) => s !== 'pass ok')).toEqual([]);
		expect(probes - before).toBe(1);
	});

	it('B shows every result a killed A wrote during run all, and the rest interrupted', async () => {
		const onA = await signedIn(a);
		const runId = (await onA.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
		const heldBefore = held;
		expect((await onA.call(`/api/runs/${runId}/run-all`, { json: {} })).status).toBe(202);
		for (let i = 0; i < 400 && held === heldBefore; i++) await new Promise((r) => setTimeout(r, 25));
		expect(held, 'smoke-workspace reached the slow upstream').toBe(heldBefore + 1);
		// Wait until A has stored the fast check's result, then kill it mid-job.
		const onB = await signedIn(b);
		for (let i = 0; i < 200; i++) {
			const results = (await onB.call(`/api/runs/${runId}`)).body.results as Array<{ checkId: string; state: string }>;
			if (results.some((r) => r.checkId === 'coder-health' && r.state === 'done')) break;
			await new Promise((r) => setTimeout(r, 25));
		}
		a.process.kill('SIGKILL');
		await exited(a);
		// B takes over once A's lease (2 s) has run out.
		let view: { runAll: { state: string }; results: Array<{ checkId: string; state: string; status: string | null }> } | undefined;
		for (let i = 0; i < 100; i++) {
			view = (await onB.call(`/api/runs/${runId}`)).body;
			if (view!.runAll?.state === 'interrupted' && !view!.results.some((r) => r.state === 'running')) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		expect(view!.runAll.state).toBe('interrupted');
		expect(view!.results.find((r) => r.checkId === 'coder-health')).toMatchObject({ state: 'done', status: 'pass' });
		expect(view!.results.find((r) => r.checkId === 'smoke-workspace')).toMatchObject({ state: 'interrupted', status: 'error' });
		expect(view!.results.every((r) => r.state === 'done' || r.state === 'interrupted')).toBe(true);
		release();
		a = await startServer({ ...env, HANDBOOK_DATA_DIR: mkdtempSync(join(tmpdir(), 'handbook-instances-a-')) });
	});

	it('sends the live streams of an instance stopped with SIGTERM to the other, which resumes them with no event missed', async () => {
		const onB = await signedIn(b);
		const runId = (await onB.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
		const first = await openEventStream(`${a.url}/api/runs/${runId}/events`);
		await onB.call(`/api/runs/${runId}/items/${items[0]}`, { json: { checked: true } });
		await first.until((e) => e.event === 'item.tick');
		a.process.kill('SIGTERM');
		await first.ended;
		expect(first.text()).toMatch(/retry: \d+\n: the handbook is restarting/);
		// Written while the client is away.
		for (const item of items.slice(1, 6)) await onB.call(`/api/runs/${runId}/items/${item}`, { json: { checked: true } });
		const lastId = first.events.filter((e) => e.id !== null).at(-1)!.id!;
		const resumed = await openEventStream(`${b.url}/api/runs/${runId}/events`, { headers: { 'last-event-id': lastId } });
		await resumed.until((e) => e.event === 'item.tick' && JSON.parse(e.data).target === items[5]);
		const ticks = resumed.events.filter((e) => e.event === 'item.tick').map((e) => JSON.parse(e.data).target);
		expect(ticks).toEqual(items.slice(1, 6));
		const ids = [...first.events, ...resumed.events].filter((e) => e.id !== null).map((e) => Number(e.id));
		expect(ids).toEqual([...new Set(ids)].sort((x, y) => x - y));
		resumed.close();
		await exited(a);
	});
});
