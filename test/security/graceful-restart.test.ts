import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client.ts';
import { facilitatorToken, startHandbook, writeTestConfig } from '../support/handbook.ts';
import type { RunningServer } from '../support/server.ts';
import { openEventStream } from '../support/sse.ts';
import { startHeldUpstream, slowSmokeCheck } from '../support/held-upstream.ts';
import type { TestServer } from '../support/targets/https-server.ts';

/** One result row as stored, read from the SQLite file after the process is gone. */
function storedResult(dir: string, runId: string): { state: string; status: string | null; message: string | null } {
	const db = new DatabaseSync(join(dir, 'handbook.sqlite'), { readOnly: true });
	try {
		return db.prepare('SELECT state, status, message FROM results WHERE run_id = ? ORDER BY id DESC LIMIT 1').get(runId) as never;
	} finally {
		db.close();
	}
}

const exited = (server: RunningServer) => new Promise<number | null>((r) => (server.process.exitCode !== null ? r(server.process.exitCode) : server.process.once('exit', (code) => r(code))));

describe('a graceful restart (SIGTERM)', () => {
	let target: TestServer;
	let upstream: Awaited<ReturnType<typeof startHeldUpstream>>;
	let config: string;
	beforeAll(async () => {
		upstream = await startHeldUpstream();
		target = upstream.target;
		config = writeTestConfig({ checks: [slowSmokeCheck(target)] });
	});
	afterAll(async () => {
		upstream?.release();
		await target?.stop();
	});

	async function underWay(env: Record<string, string> = {}) {
		const { server, dataDir: dir } = await startHandbook({ configFile: config, env });
		const api = apiClient(server.url);
		await api.signIn(facilitatorToken);
		const runId = (await api.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
		expect((await api.call('/api/health?ready')).body).toEqual({ status: 'ready' });
		const stream = await openEventStream(`${server.url}/api/runs/${runId}/events`);
		await stream.until((e) => e.event === 'run.start');
		const before = upstream.held();
		const check = api.call(`/api/runs/${runId}/checks/smoke-workspace`, { method: 'POST' });
		for (let i = 0; i < 200 && upstream.held() === before; i++) await new Promise((r) => setTimeout(r, 25));
		expect(upstream.held(), 'the check reached the slow upstream').toBe(before + 1);
		return { dir, server, api, runId, stream, check };
	}

	it('stops taking work, tells live streams to reconnect, lets a running check finish, then exits 0', async () => {
		const { dir, server, api, runId, stream, check } = await underWay();
		const exit = exited(server);
		server.process.kill('SIGTERM');
		await stream.ended;
		expect(stream.text()).toMatch(/retry: \d+\n: the handbook is restarting/);

		const ready = await api.call('/api/health?ready');
		expect(ready.status).toBe(503);
		expect(ready.body.status).toBe('draining');
		const refused = await api.call('/api/runs', { json: { checklist: 'pre-workshop' } });
		expect(refused.status).toBe(503);
		expect(refused.headers.get('retry-after')).toBe('5');
		expect((await api.call(`/api/runs/${runId}/events`)).status).toBe(503);

		upstream.release();
		expect((await check).body.results).toEqual([expect.objectContaining({ status: 'pass' })]);
		expect(await exit).toBe(0);
		expect(server.output()).toMatch(/drained: 1 live stream\(s\) told to reconnect, 0 check\(s\) marked interrupted/);
		expect(storedResult(dir, runId)).toMatchObject({ state: 'done', status: 'pass' });
	});

	it('marks a check still running after the grace period as interrupted, saying why, before it exits', async () => {
		const { dir, server, runId, stream, check } = await underWay({ HANDBOOK_DRAIN_SECONDS: '1' });
		const answer = check.then(() => null, (err: Error) => err);
		const exit = exited(server);
		server.process.kill('SIGTERM');
		expect(await exit).toBe(0);
		// The request that started it loses its connection; the stored row says what happened.
		expect((await answer)?.message).toMatch(/fetch failed/);
		stream.close();
		expect(storedResult(dir, runId)).toEqual({ state: 'interrupted', status: 'error', message: 'interrupted: the handbook was shut down before this check finished; run it again' });
		upstream.release();
	});
});
