import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import coder from '../../../src/checks/kinds/coder.ts';
import { compileRules, evaluateOutcome } from '../../../src/checks/outcome.ts';
import { probeContext, probeError } from '../../support/probe-context.ts';
import { startRecorded, type RecordedServer } from '../../support/targets/recorded.ts';

type Json = any;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../../fixtures/coder/${name}`, import.meta.url), 'utf8'));

const TOKEN = 'coder-session-Xq81vPz0aa';
const ORG = '7c60d51f-b44e-4682-87d6-449835ea4de6';
const regions = [
	{ name: 'us-east-2', title: 'Ohio', host: 'coder.example.test', wildcard: '*.coder.example.test', kubeContext: 'use2', proxy: 'primary' },
	{ name: 'us-west-2', title: 'Oregon', host: 'oregon.coder.example.test', wildcard: '*.oregon.coder.example.test', kubeContext: 'usw2', proxy: 'oregon-proxy' },
	{ name: 'eu-west-2', title: 'London', host: 'emea.coder.example.test', wildcard: '*.emea.coder.example.test', kubeContext: 'euw2', proxy: 'emea-proxy' },
];
const forbidden = { status: 403, json: { message: 'You are not authorized to use this endpoint.' } };

let srv: RecordedServer;

/** Daemons with the given statuses (plus two stale offline ones, which never count). */
function daemons(...statuses: string[]): Json[] {
	const [busy, offline] = fixture('provisionerdaemons.json');
	const list = statuses.map((status, i) => ({ ...busy, id: `d-${i}`, name: `coder-provisioner-${i}`, status, current_job: status === 'busy' ? busy.current_job : null }));
	return [...list, offline, { ...offline, id: 'd-old2', tags: { ...offline.tags, region: 'eu-west-2' } }];
}

beforeAll(async () => {
	srv = await startRecorded({});
});
afterAll(async () => {
	await srv?.stop();
});
beforeEach(() => {
	srv.requests.length = 0;
	// Every route refuses a request without the right token, like Coder's apiKeyMiddleware.
	const authed = (route: Json) => (req: Json) => (req.headers['coder-session-token'] === TOKEN ? route : { status: 401, json: { message: 'You must be logged in to use this endpoint.', detail: 'Cookie "coder_session_token" or query parameter must be provided.' } });
	srv.route('GET /api/v2/users/authmethods', authed({ json: fixture('authmethods.json') }));
	srv.route('GET /api/v2/debug/health', authed({ json: fixture('health.json') }));
	srv.route('GET /api/v2/workspaceproxies', authed({ json: fixture('workspaceproxies.json') }));
	srv.route('GET /api/v2/buildinfo', { json: fixture('buildinfo.json') });
	srv.route('GET /api/v2/organizations', authed({ json: fixture('organizations.json') }));
	srv.route(`GET /api/v2/organizations/${ORG}/provisionerdaemons`, authed({ json: daemons('busy', 'idle', 'idle', 'busy', 'idle', 'idle', 'busy', 'idle', 'idle', 'idle') }));
});

function ctx(options: { token?: string; timeoutMs?: number; organization?: string } = {}) {
	return probeContext({
		environment: { coder: { url: srv.url, tokenSecret: 'coderToken', ...(options.organization ? { organization: options.organization } : {}) }, regions },
		secrets: { coderToken: options.token ?? TOKEN },
		timeoutMs: options.timeoutMs ?? 5_000,
	});
}
const observe = (params: unknown, context = ctx()) => coder.observe(coder.params.parse(params), context);


describe('coder kind, mode authmethods', () => {
	// auth-methods: fail if GitHub or OIDC is off.
	const rules = compileRules([
		{ status: 'fail', when: 'not github or not oidc', message: 'GitHub login {github}, OIDC login {oidc}' },
		{ status: 'warn', when: 'password', message: 'password login is enabled as well' },
		{ status: 'pass', message: 'GitHub and OIDC login enabled' },
	]);

	it('reads the enabled login methods with the session token (pass)', async () => {
		const observed = await observe({ mode: 'authmethods' });
		expect(observed).toEqual({ github: true, oidc: true, password: false });
		expect(evaluateOutcome(rules, observed).status).toBe('pass');
		expect(srv.requests[0]!.headers['coder-session-token']).toBe(TOKEN);
	});

	it('sees password login enabled (warn) and OIDC off (fail)', async () => {
		srv.route('GET /api/v2/users/authmethods', { json: { ...fixture('authmethods.json'), password: { enabled: true } } });
		expect(evaluateOutcome(rules, await observe({ mode: 'authmethods' })).status).toBe('warn');
		srv.route('GET /api/v2/users/authmethods', { json: { ...fixture('authmethods.json'), oidc: { enabled: false } } });
		const observed = await observe({ mode: 'authmethods' });
		expect(observed).toEqual({ github: true, oidc: false, password: false });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'GitHub login true, OIDC login false' });
	});

	it('is an error when the token is refused, naming the secret but never its value (error)', async () => {
		const err = await probeError(observe({ mode: 'authmethods' }, ctx({ token: 'wrong-token-77' })));
		expect(err.message).toContain('answered 401');
		expect(err.message).toContain('secret "coderToken"');
		expect(err.message).not.toContain('wrong-token-77');
		expect(err.observed).toEqual({ httpStatus: 401 });
	});
});

describe('coder kind, mode health', () => {
	// coder-health: fail on error; warn on warning (list the warning codes).
	const rules = compileRules([
		{ status: 'fail', when: 'severity == "error"', message: 'failing: {failingSections} ({warningCodes})' },
		{ status: 'warn', when: 'severity == "warning"', message: 'warnings: {warningCodes}' },
		{ status: 'pass', message: 'healthy' },
	]);

	it('reads a healthy report (pass)', async () => {
		const observed = await observe({ mode: 'health' });
		expect(observed).toEqual({ severity: 'ok', failingSections: '', warningSections: '', warningCodes: '', warnings: 0, dismissed: '' });
		expect(evaluateOutcome(rules, observed).status).toBe('pass');
		expect(srv.requests[0]!.url).toBe('/api/v2/debug/health');
	});

	it('lists warning codes of sections at warning, leaving dismissed ones out (warn)', async () => {
		const report = fixture('health.json');
		report.severity = 'warning';
		report.database = { ...report.database, severity: 'warning', latency_ms: 40, warnings: [{ code: 'EDB02', message: 'Database latency of 40ms exceeds threshold of 15ms.' }] };
		report.derp = { ...report.derp, severity: 'warning', warnings: [{ code: 'EDERP01', message: 'Node 999a uses WebSocket instead of direct HTTP upgrade.' }] };
		// Dismissed in the health settings: still in the report, not counted.
		report.websocket = { ...report.websocket, severity: 'warning', dismissed: true, warnings: [{ code: 'EWS03', message: 'dismissed' }] };
		srv.route('GET /api/v2/debug/health', { json: report });
		const observed = await observe({ mode: 'health', force: true });
		expect(observed).toEqual({ severity: 'warning', failingSections: '', warningSections: 'database, derp', warningCodes: 'EDB02, EDERP01', warnings: 2, dismissed: 'websocket' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'warn', message: 'warnings: EDB02, EDERP01' });
		expect(srv.requests[0]!.url).toBe('/api/v2/debug/health?force=true');
	});

	it('names the failing section (fail)', async () => {
		const report = fixture('health.json');
		report.severity = 'error';
		report.workspace_proxy = {
			...report.workspace_proxy,
			severity: 'error',
			error: 'proxy "emea-proxy" version "v2.23.0" does not match primary server version "v2.24.2+3f0e2c1"',
			warnings: [{ Code: 'EWP03', Message: 'version mismatch' }],
		};
		srv.route('GET /api/v2/debug/health', { json: report });
		const observed = await observe({ mode: 'health' });
		expect(observed).toMatchObject({ severity: 'error', failingSections: 'workspace_proxy', warningCodes: 'EWP03', warnings: 1 });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'failing: workspace_proxy (EWP03)' });
	});

	it('is an error without owner rights (403) or while the check runs (404)', async () => {
		srv.route('GET /api/v2/debug/health', forbidden);
		const denied = await probeError(observe({ mode: 'health' }));
		expect(denied.message).toBe('Coder GET /api/v2/debug/health answered 403 (You are not authorized to use this endpoint.) — the token\'s user (secret "coderToken") lacks the permission (owner role needed)');
		srv.route('GET /api/v2/debug/health', { status: 404, json: { message: 'Healthcheck is in progress and did not complete in time. Try again in a few seconds.' } });
		expect((await probeError(observe({ mode: 'health' }))).message).toContain('404 (Healthcheck is in progress');
	});

	it('stops at the deadline when Coder is slow', async () => {
		srv.route('GET /api/v2/debug/health', { json: fixture('health.json'), delayMs: 10_000 });
		const started = performance.now();
		const err = await probeError(observe({ mode: 'health' }, ctx({ timeoutMs: 300 })));
		expect(performance.now() - started).toBeLessThan(1_500);
		expect(err.message).toBe('Coder GET /api/v2/debug/health: no answer before the deadline');
	});
});

describe('coder kind, mode proxies', () => {
	// workspace-proxies: fail if any unhealthy/unreachable or version differs.
	const rules = compileRules([
		{ status: 'fail', when: 'unhealthyCount > 0', message: 'unhealthy: {unhealthyStatus}' },
		{ status: 'fail', when: 'mismatchCount > 0', message: 'not on {primaryVersion}: {versionMismatch}' },
		{ status: 'warn', when: 'missingCount > 0', message: 'not registered: {missing}' },
		{ status: 'pass', message: '{regions} regions ok on {primaryVersion}' },
	]);
	const healthy = () => {
		const list = fixture('workspaceproxies.json');
		list.regions[2].status = { status: 'ok', report: { errors: [], warnings: [] }, checked_at: '2026-11-22T08:59:30Z' };
		return list;
	};

	it('sees every region ok on the primary version (pass)', async () => {
		srv.route('GET /api/v2/workspaceproxies', { json: healthy() });
		const observed = await observe({ mode: 'proxies' });
		expect(observed).toEqual({
			unhealthy: '',
			unhealthyCount: 0,
			unhealthyStatus: '',
			primaryVersion: 'v2.24.2+3f0e2c1',
			versionMismatch: '',
			mismatchCount: 0,
			regions: 3,
			missing: '',
			missingCount: 0,
		});
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'pass', message: '3 regions ok on v2.24.2+3f0e2c1' });
	});

	it('names an unreachable proxy and a version mismatch, ignoring deleted proxies (fail)', async () => {
		const list = fixture('workspaceproxies.json');
		list.regions[1].version = 'v2.24.1+9c1d2e3';
		list.regions.push({ ...list.regions[2], id: 'old', name: 'apac-proxy', deleted: true, status: { status: 'unreachable' }, version: 'v2.10.0' });
		srv.route('GET /api/v2/workspaceproxies', { json: list });
		const observed = await observe({ mode: 'proxies' });
		expect(observed).toMatchObject({ unhealthy: 'emea-proxy', unhealthyCount: 1, unhealthyStatus: 'emea-proxy=unreachable', versionMismatch: 'oregon-proxy=v2.24.1+9c1d2e3', mismatchCount: 1, regions: 3 });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'unhealthy: emea-proxy=unreachable' });
		list.regions[2].status.status = 'ok';
		srv.route('GET /api/v2/workspaceproxies', { json: list });
		expect(evaluateOutcome(rules, await observe({ mode: 'proxies' }))).toEqual({ status: 'fail', message: 'not on v2.24.2+3f0e2c1: oregon-proxy=v2.24.1+9c1d2e3' });
	});

	it('reads the older bare-array answer and names a configured proxy Coder does not list (warn)', async () => {
		srv.route('GET /api/v2/workspaceproxies', { json: healthy().regions.slice(0, 2) });
		const observed = await observe({ mode: 'proxies' });
		expect(observed).toMatchObject({ regions: 2, missing: 'emea-proxy', missingCount: 1, unhealthyCount: 0 });
		expect(evaluateOutcome(rules, observed).status).toBe('warn');
	});

	it('is an error without the premium feature rights (403)', async () => {
		srv.route('GET /api/v2/workspaceproxies', forbidden);
		const err = await probeError(observe({ mode: 'proxies' }));
		expect(err.message).toContain('GET /api/v2/workspaceproxies answered 403');
	});
});

describe('coder kind, mode provisioners', () => {
	// provisioner-capacity: fail below the floor; warn below the recommendation.
	const rules = compileRules([
		{ status: 'fail', when: 'online < required', message: '{online} provisioners online, {required} needed for {expectedAttendance}' },
		{ status: 'warn', when: 'online < recommended', message: '{online} provisioners online, {recommended} recommended' },
		{ status: 'pass', message: '{online} online ({busy} busy), {required} needed' },
	]);

	it('counts non-offline daemons of the default organization against the table (pass)', async () => {
		const observed = await observe({ mode: 'provisioners' });
		expect(observed).toEqual({ online: 10, busy: 3, idle: 7, offline: 2, required: 8, recommended: 8, expectedAttendance: 15 });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'pass', message: '10 online (3 busy), 8 needed' });
		expect(srv.requests.map((r) => r.path)).toEqual(['/api/v2/organizations', `/api/v2/organizations/${ORG}/provisionerdaemons`]);
	});

	it('passes at exactly the required count (the 10-15 row has no range), filtered by tags (pass)', async () => {
		srv.route(`GET /api/v2/organizations/coder/provisionerdaemons`, { json: daemons('busy', 'idle', 'idle', 'idle', 'idle', 'idle', 'idle', 'idle') });
		const observed = await observe({ mode: 'provisioners', organization: 'coder', tags: { region: 'us-west-2' } });
		// The stale eu-west-2 daemon does not carry the tag: only one offline counted.
		expect(observed).toEqual({ online: 8, busy: 1, idle: 7, offline: 1, required: 8, recommended: 8, expectedAttendance: 15 });
		expect(evaluateOutcome(rules, observed).status).toBe('pass');
		expect(srv.requests.map((r) => r.path)).toEqual(['/api/v2/organizations/coder/provisionerdaemons']);
	});

	it('fails below the required count (fail)', async () => {
		srv.route(`GET /api/v2/organizations/${ORG}/provisionerdaemons`, { json: daemons('busy', 'busy', 'idle', 'idle', 'idle', 'idle') });
		const observed = await observe({ mode: 'provisioners' });
		expect(observed).toMatchObject({ online: 6, offline: 2, required: 8 });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: '6 provisioners online, 8 needed for 15' });
	});

	it('is an error when Coder answers garbage or is unreachable (error)', async () => {
		srv.route(`GET /api/v2/organizations/${ORG}/provisionerdaemons`, { status: 200, body: '<html>proxy error</html>' });
		expect((await probeError(observe({ mode: 'provisioners' }))).message).toContain('body that is not JSON');
		const gone = await startRecorded({});
		await gone.stop();
		const err = await probeError(
			coder.observe(
				coder.params.parse({ mode: 'provisioners', organization: 'coder' }),
				probeContext({ environment: { coder: { url: gone.url, tokenSecret: 'coderToken' } }, secrets: { coderToken: TOKEN } }),
			),
		);
		expect(err.observed).toEqual({ error: 'ECONNREFUSED' });
	});
});
