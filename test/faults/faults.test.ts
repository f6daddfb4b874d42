import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/sandbox.ts';
import { apiClient } from '../support/api-client.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { canMountTmpfs } from '../support/tmpfs.ts';
import { startHttpServer, type TestServer } from '../support/targets/https-server.ts';
import { startTarpit, type Tarpit } from '../support/targets/tarpit.ts';

const token = 'fault-tests-token-8842';

/** The tests' one API client (test/support/api-client.ts) for a server, signing in with this file's token. */
function client(server: RunningServer) {
	const api = apiClient(server.url);
	return { call: api.call, signIn: () => api.signIn(token) };
}

/** A config of one loopback region with an OK target and a tarpit, bound to pre-workshop ids. */
function smallConfig(dir: string, ok: TestServer, pit: Tarpit): string {
	const file = join(dir, 'handbook.config.ts');
	const region = { name: 'loopback', title: 'Loopback', host: '127.0.0.1', wildcard: '*.example.test', kubeContext: 'none', proxy: 'primary' };
	const http = (id: string, url: string, timeoutMs = 10_000) => ({
		id, title: id, kind: 'http', timeoutMs, runbook: '/incidents/', access: 'public', params: { url },
		outcomes: [{ status: 'fail', when: 'status != 200', message: 'answered {status} ({error})' }, { status: 'pass', message: 'OK' }],
	});
	const config = {
		defaultEnvironment: 'local',
		environments: { local: { title: 'Local', regions: [region] } },
		checks: [http('healthz', `${ok.url}/healthz`), http('grafana-ready', `http://127.0.0.1:${pit.port}/api/health`, 700)],
	};
	writeFileSync(file, `export default ${JSON.stringify(config)};\n`);
	return file;
}

describe('faults', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ latencyMs: 300 });
	}, 60_000);
	afterAll(async () => sandbox?.stop());

	it('kill -9 during a run loses no stored row; after a restart the unfinished checks show as interrupted', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'handbook-kill-'));
		const env = { ...sandbox.env, HANDBOOK_DATA_DIR: dataDir, HANDBOOK_FACILITATOR_TOKEN: token };
		let server = await startServer(env);
		let api = client(server);
		await api.signIn();
		const runId = (await api.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
		expect((await api.call(`/api/runs/${runId}/checks/dns-records`, { method: 'POST' })).body.results.map((r: any) => r.status)).toEqual(['pass', 'pass', 'pass']);
		const item = (await api.call(`/api/runs/${runId}`)).body.progress.items.find((i: any) => !i.checkId);
		await api.call(`/api/runs/${runId}/items/${item.id}`, { json: { checked: true } });
		// The smoke test takes seconds: kill the server while it is under way.
		void api.call(`/api/runs/${runId}/checks/smoke-workspace`, { method: 'POST' }).catch(() => {});
		for (let i = 0; i < 100; i++) {
			const view = (await api.call(`/api/runs/${runId}`)).body;
			if (view.results.some((r: any) => r.checkId === 'smoke-workspace' && r.state === 'running')) break;
			await new Promise((r) => setTimeout(r, 50));
		}
		server.process.kill('SIGKILL');
		await new Promise((r) => server.process.once('exit', r));

		server = await startServer(env);
		try {
			api = client(server);
			const view = (await api.call(`/api/runs/${runId}`)).body;
			expect(view.ticks).toEqual([expect.objectContaining({ itemId: item.id, checked: true })]);
			expect(view.results.filter((r: any) => r.checkId === 'dns-records').map((r: any) => r.status)).toEqual(['pass', 'pass', 'pass']);
			const smoke = view.results.filter((r: any) => r.checkId === 'smoke-workspace');
			expect(smoke.map((r: any) => [r.region, r.state])).toEqual([
				['eu-west-2', 'interrupted'],
				['us-east-2', 'interrupted'],
				['us-west-2', 'interrupted'],
			]);
			expect(view.progress.items.find((i: any) => i.checkId === 'smoke-workspace').state).toBe('interrupted');
		} finally {
			await server.stop();
		}
	});
});

describe('faults of the target and the disk', () => {
	let ok: TestServer;
	let pit: Tarpit;
	let dir: string;
	let config: string;
	beforeAll(async () => {
		ok = await startHttpServer((_, res) => void res.end('OK'));
		pit = await startTarpit();
		dir = mkdtempSync(join(tmpdir(), 'handbook-faults-'));
		config = smallConfig(dir, ok, pit);
	});
	afterAll(async () => {
		await ok?.stop();
		await pit?.stop();
	});

	it('ends a check against a target that accepts and never answers at its deadline', async () => {
		const server = await startServer({ HANDBOOK_CONFIG: config, HANDBOOK_DATA_DIR: join(dir, 'tarpit'), HANDBOOK_FACILITATOR_TOKEN: token });
		try {
			const api = client(server);
			await api.signIn();
			const runId = (await api.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
			// The result says the deadline stopped it, and the tarpit's socket is closed: events, not a stopwatch.
			const { body } = await api.call(`/api/runs/${runId}/checks/grafana-ready`, { method: 'POST' });
			expect(body.results[0]).toMatchObject({ status: 'error', message: 'no answer within the 700 ms deadline; the probe was stopped' });
			await pit.allClosed(2_000);
			expect(pit.open()).toBe(0);
		} finally {
			await server.stop();
		}
	});

	const canMount = canMountTmpfs;

	it.skipIf(!canMount)('answers a full disk with a clear error, keeps serving reads, loses nothing stored', async () => {
		const mnt = mkdtempSync(join(tmpdir(), 'handbook-full-'));
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
		const server = await startServer({ HANDBOOK_CONFIG: config, HANDBOOK_DATA_DIR: mnt, HANDBOOK_FACILITATOR_TOKEN: token });
		try {
			const api = client(server);
			await api.signIn();
			const runId = (await api.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
			const items = (await api.call(`/api/runs/${runId}`)).body.progress.items.filter((i: any) => i.checkId === null && i.text);
			const fieldItem = (await api.call(`/api/runs/${runId}`)).body.progress.items.find((i: any) => i.reason?.startsWith('not recorded'));
			// What the server acknowledged, last write wins: every one must read back after the refusal.
			const acknowledged = new Map<string, boolean>();
			for (let i = 0; i < 10; i++) {
				const item = items[i % items.length];
				expect((await api.call(`/api/runs/${runId}/items/${item.id}`, { json: { checked: true } })).status).toBe(200);
				acknowledged.set(item.id, true);
			}
			// Fill the disk beside the database, then keep writing through the API.
			writeFileSync(join(mnt, 'ballast'), Buffer.alloc(0));
			try {
				execFileSync('dd', ['if=/dev/zero', `of=${join(mnt, 'ballast')}`, 'bs=64k', 'count=64'], { stdio: 'ignore' });
			} catch {
				// dd stops when the disk is full: that is the point.
			}
			let refused: { status: number; body: any } | undefined;
			let fieldValue: string | null = null;
			for (let i = 0; i < 200 && !refused; i++) {
				const item = items[i % items.length];
				const r = await api.call(`/api/runs/${runId}/items/${item.id}`, { json: { checked: i % 2 === 0 } });
				if (r.status === 200) acknowledged.set(item.id, i % 2 === 0);
				else refused = r;
				if (fieldItem && !refused) {
					const value = `${i}-${'x'.repeat(1500)}`;
					const f = await api.call(`/api/runs/${runId}/items/${fieldItem.id}`, { json: { field: 'checklist-started-at', value } });
					if (f.status === 200) fieldValue = value;
					else refused = f;
				}
			}
			expect(refused, 'a write is refused once the disk is full').toBeDefined();
			expect(refused!.status).toBe(507);
			expect(refused!.body.error).toMatch(/the disk is full\. Nothing already stored was lost/);
			const after = (await api.call(`/api/runs/${runId}`)).body;
			const ticks = new Map<string, boolean>(after.ticks.map((t: any) => [t.itemId, t.checked]));
			for (const [itemId, checked] of acknowledged) expect(ticks.get(itemId), `acknowledged tick of ${itemId}`).toBe(checked);
			if (fieldValue !== null) expect(after.fields.find((f: any) => f.name === 'checklist-started-at')?.value).toBe(fieldValue);
			expect((await api.call('/api/health')).status).toBe(200);
			expect((await api.call(`/api/runs/${runId}`)).body.run.id).toBe(runId);
			expect(server.process.exitCode).toBeNull();
		} finally {
			await server.stop();
			execFileSync('umount', ['-l', mnt]);
		}
	});

	it.skipIf(!canMount)('refuses to start on a read-only data directory with a clear message and exit 2 (no crash loop)', async () => {
		const mnt = mkdtempSync(join(tmpdir(), 'handbook-ro-'));
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', mnt]);
		try {
			await expect(startServer({ HANDBOOK_CONFIG: config, HANDBOOK_DATA_DIR: mnt, HANDBOOK_FACILITATOR_TOKEN: token })).rejects.toThrow(
				/exited with 2:\n.*the data directory .* cannot be used: it is not writable \(set HANDBOOK_DATA_DIR to a writable directory\)/s,
			);
		} finally {
			execFileSync('umount', ['-l', mnt]);
		}
	});

	it('survives 1,000 malformed requests: no 500, no crash', async () => {
		const server = await startServer({ HANDBOOK_CONFIG: config, HANDBOOK_DATA_DIR: join(dir, 'fuzz'), HANDBOOK_FACILITATOR_TOKEN: token });
		try {
			const api = client(server);
			await api.signIn();
			const runId = (await api.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
			let seed = 20261122;
			const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
			const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
			const ids = [runId, 'nope', '..%2F..%2Fetc%2Fpasswd', '%00', 'a'.repeat(3000), '%F0%9F%92%A5', "1' OR '1'='1", '-1', '[]', '{}'];
			const bodies: Array<string | undefined> = [
				undefined, '', '{', 'null', '[]', '"x"', '42', '{"checked":"yes"}', '{"checked":true,"extra":1}', '{"field":"x"}', '{"field":"../x","value":1}',
				'{"checklist":{"$gt":""}}', '{"decision":"maybe"}', JSON.stringify({ token: 'x'.repeat(600) }), '{"a":'.repeat(2000), 'x'.repeat(100_000),
				JSON.stringify({ value: '\u0000\uD800' }), '{"checklist":"pre-workshop","environment":"../../etc"}',
			];
			const paths = () => pick([
				`/api/runs/${pick(ids)}`, `/api/runs/${pick(ids)}/checks/${pick(ids)}`, `/api/runs/${pick(ids)}/items/${pick(ids)}`, `/api/runs/${pick(ids)}/decision`,
				`/api/runs/${pick(ids)}/sign-off`, '/api/runs', `/api/runs?checklist=${pick(ids)}`, '/api/session', `/api/session?token=${pick(ids)}`, '/api/checks', '/api/metrics', '/api/health',
			]);
			const statuses = new Map<number, number>();
			for (let batch = 0; batch < 50; batch++) {
				await Promise.all(
					Array.from({ length: 20 }, async () => {
						const method = pick(['GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH']);
						// fetch refuses a body on GET: those go without one.
						const body = method === 'GET' ? undefined : pick(bodies);
						const res = await fetch(server.url + paths(), {
							method,
							headers: { origin: server.url, 'content-type': pick(['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8']), ...(rand() < 0.7 ? { cookie: 'handbook_session=' + pick(['bad', 'x'.repeat(5000), '']) } : {}) },
							body,
						}).catch((err) => ({ status: -1, text: async () => String(err) }));
						await res.text();
						statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
					}),
				);
			}
			expect([...statuses.values()].reduce((a, b) => a + b)).toBe(1000);
			expect(statuses.get(500) ?? 0, server.output().split('\n').filter((l) => l.includes('error in')).slice(0, 5).join('\n')).toBe(0);
			expect(statuses.get(-1) ?? 0).toBe(0);
			expect(server.process.exitCode).toBeNull();
			expect((await api.call('/api/health')).status).toBe(200);
			expect(server.output(), 'unexpected errors in the server log').not.toMatch(/error in (GET|POST|PUT|DELETE|PATCH)/);
		} finally {
			await server.stop();
		}
	});
});
