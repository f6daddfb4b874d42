import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from '../../../src/checks/kinds/http.ts';
import { compileRules, evaluateOutcome } from '../../../src/checks/outcome.ts';
import { ProbeError } from '../../../src/checks/types.ts';
import { atDeadline } from '../../support/deadline.ts';
import { atBoundary, probeContext } from '../../support/probe-context.ts';
import { createTestPki, type TestPki } from '../../support/targets/certs.ts';
import { startDnsmasq, type Dnsmasq } from '../../support/targets/dnsmasq.ts';
import { startHttpServer, startHttpsServer, type TestServer } from '../../support/targets/https-server.ts';
import { startTarpit, type Tarpit } from '../../support/targets/tarpit.ts';

const HOST = 'coder.example.test';
const SECRET = 's3cr3t-token-5f1c9a';
// Shapes from reference/apis.md: LiteLLM /health/readiness and Grafana /api/health.
const readiness = { status: 'healthy', db: 'connected', cache: null, litellm_version: '1.74.3', success_callbacks: [], use_aiohttp_transport: true, log_level: 'WARNING', is_detailed_debug: false };
const grafanaHealth = { commit: '03f502a94d', database: 'ok', version: '12.1.0' };
const CODER_404 = '<!doctype html><html><head><title>Application Not Found</title></head><body><h1>Application Not Found</h1><p>Coder</p></body></html>';

// healthz in checks.md: fail if not 200 `OK`; warn if slower than 1 s.
const healthzRules = compileRules([
	{ status: 'fail', when: 'error != null', message: '{phase} error: {error}' },
	{ status: 'fail', when: 'status != 200 or body != "OK"', message: 'answered {status} {body}' },
	{ status: 'warn', when: 'durationMs > 1000', message: 'answered in {durationMs} ms' },
	{ status: 'pass', message: 'OK in {durationMs} ms' },
]);

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
	const host = (req.headers.host ?? '').replace(/:\d+$/, '');
	if (host !== HOST && host.endsWith(`.${HOST}`)) {
		res.writeHead(404, { 'content-type': 'text/html' }).end(CODER_404);
		return;
	}
	switch (req.url) {
		case '/healthz':
			res.writeHead(200, { 'content-type': 'text/plain' }).end(req.method === 'HEAD' ? undefined : 'OK');
			return;
		case '/slow':
			await new Promise((r) => setTimeout(r, 1_200));
			res.end('OK');
			return;
		case '/error':
			res.writeHead(500).end('internal error\n');
			return;
		case '/health/readiness':
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(readiness));
			return;
		case '/api/health':
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(grafanaHealth, null, 2));
			return;
		case '/whoami': {
			// Echoes the credential it was sent, like a careless debug endpoint.
			const auth = req.headers.authorization ?? '';
			res.writeHead(auth === `Bearer ${SECRET}` ? 200 : 401, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ authorization: auth, ok: auth === `Bearer ${SECRET}` }));
			return;
		}
		case '/post':
			res.end(req.method);
			return;
		default:
			res.writeHead(404).end('not found');
	}
}

let pki: TestPki;
let dns: Dnsmasq;
let https: TestServer;
let plain: TestServer;
let tarpit: Tarpit;

beforeAll(async () => {
	pki = createTestPki();
	dns = await startDnsmasq({ [HOST]: '127.0.0.1', 'tarpit.example.test': '127.0.0.1' });
	https = await startHttpsServer({ cert: pki.issue([HOST, `*.${HOST}`], 90), handler: route });
	plain = await startHttpServer(route);
	tarpit = await startTarpit();
});

afterAll(async () => {
	await Promise.all([https?.stop(), plain?.stop(), dns?.stop(), tarpit?.stop()]);
	if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

function ctx(options: { ca?: boolean; timeoutMs?: number; secrets?: Record<string, string>; signal?: AbortSignal } = {}) {
	return probeContext({
		environment: { dns: { servers: [dns.server] }, ...(options.ca === false ? {} : { tls: { caFile: pki.ca.certFile } }) },
		secrets: options.secrets,
		timeoutMs: options.timeoutMs ?? 5_000,
		signal: options.signal,
	});
}
const url = (path: string, host = HOST) => `https://${host}:${https.port}${path}`;
// Through the runner's boundary (redact, then cut), as every result leaves the engine.
const observe = async (params: unknown, context = ctx()) => atBoundary(await http.observe(http.params.parse(params), context), http, context);

describe('http kind', () => {
	it('observes 200 OK from /healthz (pass)', async () => {
		const observed = await observe({ url: url('/healthz') });
		expect(observed).toMatchObject({ status: 200, ok: true, body: 'OK', json: null, error: null, phase: null, bodyMatches: null });
		expect(observed.durationMs).toBeTypeOf('number');
		expect(evaluateOutcome(healthzRules, observed).status).toBe('pass');
	});

	it('observes a slow answer (> 1 s) as its duration (warn)', async () => {
		const observed = await observe({ url: url('/slow') });
		expect(observed).toMatchObject({ status: 200, body: 'OK', error: null });
		expect(observed.durationMs).toBeGreaterThanOrEqual(1_150);
		expect(evaluateOutcome(healthzRules, observed)).toEqual({ status: 'warn', message: `answered in ${observed.durationMs} ms` });
	});

	it('observes a 500 (fail)', async () => {
		const observed = await observe({ url: url('/error') });
		expect(observed).toMatchObject({ status: 500, ok: false, body: 'internal error', json: null, error: null, phase: null });
		expect(evaluateOutcome(healthzRules, observed)).toEqual({ status: 'fail', message: 'answered 500 internal error' });
	});

	it('observes a refused connection as error/phase, not a ProbeError (fail)', async () => {
		const gone = await startHttpServer(route);
		await gone.stop();
		const observed = await observe({ url: `${gone.url}/healthz` });
		expect(observed).toMatchObject({ status: null, ok: false, body: '', json: null, error: 'ECONNREFUSED', phase: 'connect', bodyMatches: null });
		expect(evaluateOutcome(healthzRules, observed)).toEqual({ status: 'fail', message: 'connect error: ECONNREFUSED' });
	});

	it('observes NXDOMAIN from the environment resolver as a DNS failure', async () => {
		const observed = await observe({ url: url('/healthz', 'nowhere.example.test') });
		expect(observed).toMatchObject({ status: null, error: 'ENOTFOUND', phase: 'dns' });
	});

	it('observes an untrusted certificate as a TLS failure when no CA is configured', async () => {
		const observed = await observe({ url: url('/healthz') }, ctx({ ca: false }));
		expect(observed).toMatchObject({ status: null, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', phase: 'tls' });
	});

	it('reads JSON bodies: LiteLLM readiness and Grafana health', async () => {
		const litellm = await observe({ url: url('/health/readiness') });
		expect(litellm.json).toEqual(readiness);
		const rules = compileRules([
			{ status: 'fail', when: 'status != 200 or not (json.status in ["healthy", "connected"])', message: 'not ready: {json.status}' },
			{ status: 'pass', message: 'ready ({json.status}, db {json.db})' },
		]);
		expect(evaluateOutcome(rules, litellm)).toEqual({ status: 'pass', message: 'ready (healthy, db connected)' });

		const grafana = await observe({ url: url('/api/health') });
		expect(grafana).toMatchObject({ status: 200, json: grafanaHealth });
		expect((grafana.body as string).length).toBeLessThanOrEqual(200);
	});

	it('tells a platform answer under the wildcard by a body pattern', async () => {
		const label = `x${randomBytes(4).toString('hex')}`;
		const observed = await observe({ url: url('/', `${label}.${HOST}`), bodyPattern: 'Application Not Found|Coder' });
		expect(observed).toMatchObject({ status: 404, ok: false, error: null, bodyMatches: true });
		const other = await observe({ url: url('/healthz'), bodyPattern: 'Application Not Found' });
		expect(other.bodyMatches).toBe(false);
	});

	it('sends HEAD and POST', async () => {
		expect(await observe({ url: url('/healthz'), method: 'HEAD' })).toMatchObject({ status: 200, body: '' });
		expect(await observe({ url: `${plain.url}/post`, method: 'POST' })).toMatchObject({ status: 200, body: 'POST' });
	});

	it('sends a secret header but returns no trace of it, even when the server echoes it', async () => {
		const observed = await observe({ url: url('/whoami'), headers: { authorization: 'secret:coderToken' } }, ctx({ secrets: { coderToken: `Bearer ${SECRET}` } }));
		expect(observed).toMatchObject({ status: 200, json: { authorization: '[redacted]', ok: true } });
		expect(JSON.stringify(observed)).not.toContain(SECRET);
	});

	it('throws a ProbeError naming a secret that is not set, without any value', async () => {
		const err = await observe({ url: url('/whoami'), headers: { authorization: 'secret:missing' } }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ProbeError);
		expect((err as Error).message).toBe('header authorization: secret "missing" is not set (declare it in the environment\'s secrets)');
	});

	it('rejects params that are not an http(s) URL or a valid pattern', () => {
		expect(http.params.safeParse({ url: 'ftp://x.example.test/' }).success).toBe(false);
		expect(http.params.safeParse({ url: url('/'), bodyPattern: '(' }).success).toBe(false);
		expect(http.params.safeParse({ url: url('/'), method: 'DELETE' }).success).toBe(false);
		expect(http.params.parse({ url: url('/') }).method).toBe('GET');
	});

	async function againstTarpit(pit: Tarpit, target: string) {
		const observed = await atDeadline((signal) => observe({ url: target }, ctx({ signal })), () => pit.accepted() === 1);
		expect(observed).toMatchObject({ status: null, ok: false, body: '', error: 'ABORTED', phase: 'timeout' });
		expect(pit.accepted()).toBe(1);
	}

	it('stops at the deadline against a tarpit that never answers HTTP, and closes the socket', async () => {
		await againstTarpit(tarpit, `http://tarpit.example.test:${tarpit.port}/healthz`);
		await tarpit.allClosed(500);
		expect(tarpit.open()).toBe(0);
	});

	it('stops at the deadline against a tarpit that never answers the TLS handshake, and closes the socket', async () => {
		const pit = await startTarpit();
		try {
			await againstTarpit(pit, `https://tarpit.example.test:${pit.port}/healthz`);
			// undici's abort does not reach a socket still in its handshake: httpRequest's connector must.
			const closedInTime = await pit.allClosed(1_000).then(() => true, () => false);
			expect(closedInTime).toBe(true);
		} finally {
			await pit.stop();
		}
	});
});
