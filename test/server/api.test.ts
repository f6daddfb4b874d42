import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type TestServer } from '../support/targets/https-server.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const canary = 'canary-7d1f2e9b4c5a';
const facilitatorToken = 'facilitator-token-for-tests-51c2';

let target: TestServer;
let bystander: TestServer;
const bystanderRequests: string[] = [];
let server: RunningServer;
let dataDir: string;
let cookie = '';

/** A config whose checks reach only loopback servers of this test; the pre-workshop page binds their ids. */
function writeConfig(dir: string): string {
	const file = join(dir, 'handbook.config.ts');
	const config = {
		defaultEnvironment: 'local',
		environments: {
			local: {
				title: 'Local test targets',
				regions: [{ name: 'loopback', title: 'Loopback', host: '127.0.0.1', port: target.port, wildcard: '*.example.test', kubeContext: 'none', proxy: 'primary' }],
				secrets: { canary: 'HANDBOOK_CANARY' },
			},
		},
		checks: [
			{
				id: 'healthz', title: 'healthz', kind: 'http', perRegion: true, access: 'public', runbook: '/incidents/subdomain-routing-failure/#diagnosis',
				params: { url: `http://{region.origin}/healthz` },
				outcomes: [{ status: 'fail', when: 'status != 200', message: 'answered {status}' }, { status: 'pass', message: 'OK in {durationMs} ms' }],
			},
			{
				// Sends the canary as a header to a server that echoes headers back in its body.
				id: 'litellm-ready', title: 'echo', kind: 'http', runbook: '/incidents/ai-gateway-auth-failure/#diagnosis',
				params: { url: `${target.url}/echo`, headers: { authorization: 'secret:canary' } },
				outcomes: [{ status: 'pass', message: 'echoed {body}' }],
			},
			{
				// A real subprocess that prints the canary it was given, and exits 2 (warn).
				id: 'ecr-mirror-current', title: 'command', kind: 'command', runbook: '/incidents/image-pull-failure/#mitigation',
				params: { argv: [process.execPath, '-e', 'console.log("token=" + process.env.TOKEN); process.exit(2)'], env: { TOKEN: 'secret:canary' } },
				outcomes: [{ status: 'warn', when: 'exitCode == 2', message: 'said {stdout}' }, { status: 'pass', message: 'ok' }],
			},
		],
	};
	writeFileSync(file, `export default ${JSON.stringify(config, null, 2)};\n`);
	return file;
}

async function api(path: string, init: RequestInit & { json?: unknown } = {}) {
	const headers = new Headers(init.headers);
	if (init.json !== undefined) headers.set('content-type', 'application/json');
	if (cookie && !headers.has('cookie')) headers.set('cookie', cookie);
	// As a browser does: Astro's origin check refuses cross-site (or origin-less) posts.
	if (!headers.has('origin')) headers.set('origin', server.url);
	const res = await fetch(server.url + path, { ...init, headers, body: init.json === undefined ? init.body : JSON.stringify(init.json), redirect: 'manual' });
	const text = await res.text();
	let body: any = text;
	try {
		body = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: res.status, body, text, headers: res.headers };
}

const everything: string[] = [];
const seen = <T extends { text: string }>(r: T) => (everything.push(r.text), r);

beforeAll(async () => {
	target = await startHttpServer((req, res) => {
		if (req.url === '/healthz') return void res.end('OK');
		res.end(JSON.stringify(req.headers));
	});
	bystander = await startHttpServer((req, res) => {
		bystanderRequests.push(`${req.method} ${req.url}`);
		res.end('bystander');
	});
	dataDir = mkdtempSync(join(tmpdir(), 'handbook-api-'));
	server = await startServer({ HANDBOOK_CONFIG: writeConfig(dataDir), HANDBOOK_DATA_DIR: dataDir, HANDBOOK_FACILITATOR_TOKEN: facilitatorToken, HANDBOOK_CANARY: canary });
});

afterAll(async () => {
	await server?.stop();
	await target?.stop();
	await bystander?.stop();
});

describe('the validation API', () => {
	it('answers health and lists the catalogue without parameters', async () => {
		expect((await api('/api/health')).body).toMatchObject({ status: 'ok', checks: 3 });
		const catalogue = seen(await api('/api/checks'));
		expect(catalogue.body.checks.map((c: { id: string }) => c.id)).toEqual(['healthz', 'litellm-ready', 'ecr-mirror-current']);
		expect(catalogue.text).not.toContain(String(target.port));
		expect(catalogue.text).not.toContain('argv');
		expect(catalogue.body.checks.find((c: { id: string }) => c.id === 'healthz').canRun).toBe(true);
		expect(catalogue.body.checks.find((c: { id: string }) => c.id === 'litellm-ready').canRun).toBe(false);
	});

	it('refuses to start a run without a session', async () => {
		expect((await api('/api/runs', { method: 'POST', json: { checklist: 'pre-workshop' } })).status).toBe(401);
	});

	it('refuses a wrong token and signs a facilitator in with an httpOnly SameSite cookie', async () => {
		expect((await api('/api/session', { method: 'POST', json: { token: 'wrong' } })).status).toBe(401);
		const ok = await api('/api/session', { method: 'POST', json: { token: facilitatorToken, name: 'Alice' } });
		expect(ok.status).toBe(200);
		const set = ok.headers.get('set-cookie')!;
		expect(set).toMatch(/handbook_session=/);
		expect(set).toMatch(/HttpOnly/i);
		expect(set).toMatch(/SameSite=Strict/i);
		cookie = set.split(';')[0]!;
		expect((await api('/api/session')).body).toEqual({ facilitator: true, signedIn: true, name: 'Alice', roles: ['facilitator', 'on-call', 'approver'], via: 'break-glass', identityProvider: false });
	});

	let runId = '';
	it('starts a run, runs checks and stores their results with observed values', async () => {
		const started = seen(await api('/api/runs', { method: 'POST', json: { checklist: 'pre-workshop', workshop: '2026-12' } }));
		expect(started.status).toBe(201);
		runId = started.body.run.id;
		const health = seen(await api(`/api/runs/${runId}/checks/healthz`, { method: 'POST' }));
		expect(health.body.results).toEqual([expect.objectContaining({ checkId: 'healthz', region: 'loopback', status: 'pass', observed: expect.objectContaining({ status: 200, body: 'OK' }) })]);
		const cmd = seen(await api(`/api/runs/${runId}/checks/ecr-mirror-current`, { method: 'POST' }));
		expect(cmd.body.results[0]).toMatchObject({ status: 'warn', observed: { exitCode: 2 } });
		seen(await api(`/api/runs/${runId}/checks/litellm-ready`, { method: 'POST' }));
		const view = seen(await api(`/api/runs/${runId}`));
		expect(view.body.results.map((r: { checkId: string; status: string }) => `${r.checkId}:${r.status}`).sort()).toEqual(['ecr-mirror-current:warn', 'healthz:pass', 'litellm-ready:pass']);
		expect(view.body.checklist).toMatchObject({ id: 'pre-workshop', path: '/checklists/pre-workshop/' });
		expect(view.body.progress.recommendation).toBe('no-go');
	});

	it('answers a repeated run within the cache window from what the run already holds, writing nothing', async () => {
		const before = (await api(`/api/runs/${runId}`)).body.revision;
		const again = await Promise.all(Array.from({ length: 20 }, () => api(`/api/runs/${runId}/checks/healthz`, { method: 'POST' })));
		expect(again.every((r) => r.status === 200 && r.body.results[0].shared === true)).toBe(true);
		expect((await api(`/api/runs/${runId}`)).body.revision).toBe(before);
	});

	it('lets anonymous readers read and run public checks only', async () => {
		const anon = { headers: { cookie: 'none=1' } };
		expect((await api(`/api/runs/${runId}`, anon)).status).toBe(200);
		expect((await api(`/api/runs/${runId}/checks/healthz`, { method: 'POST', ...anon })).status).toBe(200);
		expect((await api(`/api/runs/${runId}/checks/litellm-ready`, { method: 'POST', ...anon })).status).toBe(401);
		const items = (await api(`/api/runs/${runId}`)).body.progress.items;
		expect((await api(`/api/runs/${runId}/items/${items[0].id}`, { method: 'POST', json: { checked: true }, ...anon })).status).toBe(401);
	});

	it('never takes a target from the request: extra fields are refused, queries and bodies ignored', async () => {
		const extra = await api('/api/runs', { method: 'POST', json: { checklist: 'pre-workshop', url: bystander.url, params: { url: bystander.url } } });
		expect(extra.status).toBe(400);
		const q = encodeURIComponent(bystander.url);
		await api(`/api/runs/${runId}/checks/healthz?url=${q}&target=${q}`, { method: 'POST', json: { url: bystander.url, argv: ['curl', bystander.url], params: { url: bystander.url } } });
		await api(`/api/runs/${runId}/checks/${encodeURIComponent(bystander.url)}`, { method: 'POST' });
		expect(bystanderRequests).toEqual([]);
	});

	it('refuses non-JSON mutations and oversized bodies', async () => {
		const items = (await api(`/api/runs/${runId}`)).body.progress.items;
		const form = await api(`/api/runs/${runId}/items/${items[0].id}`, { method: 'POST', body: 'checked=true', headers: { 'content-type': 'text/plain' } });
		expect([403, 415]).toContain(form.status);
		const huge = await api(`/api/runs/${runId}/items/${items[0].id}`, { method: 'POST', json: { field: 'x', value: 'y'.repeat(40_000) } });
		expect(huge.status).toBe(413);
	});

	it('streams live updates as Server-Sent Events', async () => {
		const controller = new AbortController();
		const res = await fetch(`${server.url}/api/runs/${runId}/events`, { headers: { cookie }, signal: controller.signal });
		expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
		const reader = res.body!.getReader();
		let text = '';
		const item = (await api(`/api/runs/${runId}`)).body.progress.items.find((i: { checkId: string | null }) => !i.checkId);
		await api(`/api/runs/${runId}/items/${item.id}`, { method: 'POST', json: { checked: true } });
		while (!text.includes('event: item.tick')) text += new TextDecoder().decode((await reader.read()).value);
		controller.abort();
		everything.push(text);
		expect(text).toMatch(/id: \d+\nevent: run.start/);
		expect(text).toContain(`"itemId":"${item.id}"`);
	});

	it('records go / no-go, signs off, and then refuses changes', async () => {
		expect((await api(`/api/runs/${runId}/sign-off`, { method: 'POST', json: {} })).status).toBe(409);
		expect((await api(`/api/runs/${runId}/decision`, { method: 'POST', json: { decision: 'no-go', note: 'blockers: DNS; escalated to on-call' } })).body.run.decision).toBe('no-go');
		const signed = await api(`/api/runs/${runId}/sign-off`, { method: 'POST', json: {} });
		expect(signed.body.run).toMatchObject({ signedOffBy: 'Alice' });
		const item = (await api(`/api/runs/${runId}`)).body.progress.items[0];
		expect((await api(`/api/runs/${runId}/items/${item.id}`, { method: 'POST', json: { checked: false } })).status).toBe(409);
	});

	it('exposes the latest results as Prometheus metrics', async () => {
		const metrics = seen(await api('/api/metrics'));
		expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
		expect(metrics.text).toMatch(/handbook_check_status\{check="healthz",environment="local",region="loopback",status="pass"\} 1/);
		expect(metrics.text).toMatch(/handbook_check_observed\{check="ecr-mirror-current",environment="local",region="",value="exitCode"\} 2/);
		expect(metrics.text).toMatch(/handbook_check_duration_seconds\{check="healthz"/);
	});

	it('answers unknown runs and checks with 404, never 500', async () => {
		expect((await api('/api/runs/nope')).status).toBe(404);
		expect((await api(`/api/runs/${runId}/checks/no-such-check`, { method: 'POST' })).status).toBe(404);
		expect((await api('/api/runs/nope/events')).status).toBe(404);
	});

	it('keeps the canary secret out of every response, stored row and log line', async () => {
		// The secret did reach its destinations: the echo server and the subprocess got it.
		const stored = readdirSync(dataDir)
			.filter((f) => f.startsWith('handbook.sqlite'))
			.map((f) => readFileSync(join(dataDir, f)).toString('latin1'))
			.join('\n');
		expect(stored).toContain('[redacted]');
		expect(stored).not.toContain(canary);
		expect(everything.join('\n')).not.toContain(canary);
		expect(server.output()).not.toContain(canary);
	});
});
