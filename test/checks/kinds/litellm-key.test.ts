import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import litellmKey from '../../../src/checks/kinds/litellm-key.ts';
import { compileRules, evaluateOutcome } from '../../../src/checks/outcome.ts';
import { probeContext, probeError } from '../../support/probe-context.ts';
import { createTestPki } from '../../support/targets/certs.ts';
import { startRecorded, type RecordedRequest, type RecordedServer } from '../../support/targets/recorded.ts';

type Json = any;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../../fixtures/litellm/${name}`, import.meta.url), 'utf8'));

const NOW = new Date('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const ADMIN = 'sk-admin-master-Qp9x77';
// Virtual keys and their expiry relative to NOW (days; null: never).
const KEYS: Record<string, number | null> = { 'sk-wkshp-30d-aa11': 30, 'sk-wkshp-10d-bb22': 10, 'sk-wkshp-3d-cc33': 3, 'sk-wkshp-never-dd44': null, 'sk-wkshp-blocked-ee55': 90 };
const EXPIRED = 'sk-wkshp-expired-ff66';

// litellm-key-expiry: fail < 7 days; warn < 14 days; pass (never-expiring key: pass, said so).
const rules = compileRules([
	{ status: 'fail', when: 'blocked', message: 'key {alias} is blocked' },
	{ status: 'pass', when: 'neverExpires', message: 'key {alias} never expires' },
	{ status: 'fail', when: 'daysLeft < 7', message: 'key {alias} expires in {daysLeft} days ({expires})' },
	{ status: 'warn', when: 'daysLeft < 14', message: 'key {alias} expires in {daysLeft} days' },
	{ status: 'pass', message: 'key {alias} valid for {daysLeft} days' },
]);

function info(key: string): Json {
	const body = fixture('key-info.json');
	const days = KEYS[key];
	body.key = key;
	body.info.key_alias = `workshop-${key.split('-')[2]}`;
	body.info.expires = days === null ? null : new Date(NOW.getTime() + days! * DAY).toISOString().replace('Z', '+00:00');
	if (key.includes('blocked')) body.info.blocked = true;
	return body;
}

/** LiteLLM's /key/info: the bearer asks about itself, or the admin key about `?key=`. */
function keyInfo(req: RecordedRequest) {
	const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
	const asked = req.query.get('key') ?? bearer;
	if (bearer === EXPIRED) return { status: 400, json: fixture('error-expired.json') };
	if (bearer !== ADMIN && !(bearer in KEYS)) return { status: 401, json: fixture('error-auth.json') };
	if (bearer !== ADMIN && asked !== bearer) return { status: 403, json: { error: { message: `User cannot view info of key ${asked}`, type: 'auth_error', param: 'key', code: '403' } } };
	if (!(asked in KEYS)) return { status: 404, json: fixture('error-not-found.json') };
	return { json: info(asked) };
}

let srv: RecordedServer;
let caFile: string;

beforeAll(async () => {
	// Over HTTPS with a private CA, as a staging gateway would be.
	const pki = createTestPki();
	caFile = pki.ca.certFile;
	srv = await startRecorded({ 'GET /key/info': keyInfo }, { cert: pki.issue(['127.0.0.1', 'localhost'], 30) });
});
afterAll(async () => {
	await srv?.stop();
});
beforeEach(() => {
	srv.requests.length = 0;
	srv.route('GET /key/info', keyInfo);
});

function ctx(key: string, options: { admin?: boolean; timeoutMs?: number } = {}) {
	const url = srv.url.replace('127.0.0.1', 'localhost');
	return probeContext({
		environment: { litellm: { url, keySecret: 'litellmKey', ...(options.admin ? { adminKeySecret: 'litellmAdmin' } : {}) }, tls: { caFile } },
		secrets: { litellmKey: key, ...(options.admin ? { litellmAdmin: ADMIN } : {}) },
		timeoutMs: options.timeoutMs ?? 5_000,
		now: NOW,
	});
}
const observe = (key: string, options: { admin?: boolean; timeoutMs?: number } = {}, params: Json = {}) => litellmKey.observe(litellmKey.params.parse(params), ctx(key, options));


describe('litellm-key kind', () => {
	it('reads a key expiring in 30 days, asking with the key itself (pass)', async () => {
		const observed = await observe('sk-wkshp-30d-aa11');
		expect(observed).toEqual({ expires: '2026-12-31T00:00:00.000Z', daysLeft: 30, neverExpires: false, expired: false, blocked: false, alias: 'workshop-30d', spend: 12.4831, maxBudget: 500 });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'pass', message: 'key workshop-30d valid for 30 days' });
		expect(srv.requests[0]!.headers.authorization).toBe('Bearer sk-wkshp-30d-aa11');
		expect(srv.requests[0]!.url).toBe('/key/info');
	});

	it('warns at 10 days (warn)', async () => {
		const observed = await observe('sk-wkshp-10d-bb22');
		expect(observed).toMatchObject({ daysLeft: 10, neverExpires: false });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'warn', message: 'key workshop-10d expires in 10 days' });
	});

	it('fails at 3 days (fail)', async () => {
		const observed = await observe('sk-wkshp-3d-cc33');
		expect(observed).toMatchObject({ daysLeft: 3, expires: '2026-12-04T00:00:00.000Z' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'key workshop-3d expires in 3 days (2026-12-04T00:00:00.000Z)' });
	});

	it('says when a key never expires (pass)', async () => {
		const observed = await observe('sk-wkshp-never-dd44');
		expect(observed).toMatchObject({ expires: null, daysLeft: null, neverExpires: true, expired: false });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'pass', message: 'key workshop-never never expires' });
	});

	it('sees a blocked key (fail)', async () => {
		const observed = await observe('sk-wkshp-blocked-ee55');
		expect(observed).toMatchObject({ blocked: true, daysLeft: 90 });
		expect(evaluateOutcome(rules, observed).status).toBe('fail');
	});

	it('observes a key LiteLLM refuses as expired, with the expiry from its message (fail)', async () => {
		const observed = await observe(EXPIRED);
		expect(observed).toEqual({ expires: '2026-11-20T00:00:00.000Z', daysLeft: -11, neverExpires: false, expired: true, blocked: false, alias: null, spend: null, maxBudget: null });
		expect(evaluateOutcome(rules, observed).status).toBe('fail');
	});

	it('asks with the admin key and ?key= when an admin key is configured', async () => {
		const observed = await observe('sk-wkshp-10d-bb22', { admin: true });
		expect(observed).toMatchObject({ daysLeft: 10, alias: 'workshop-10d' });
		expect(srv.requests[0]!.headers.authorization).toBe(`Bearer ${ADMIN}`);
		expect(srv.requests[0]!.query.get('key')).toBe('sk-wkshp-10d-bb22');
	});

	it('is an error on 401, saying which credential, never the key (error)', async () => {
		const err = await probeError(observe('sk-not-a-key-9999'));
		expect(err.message).toBe('LiteLLM refused the key (secret "litellmKey") (401 auth_error)');
		expect(err.message).not.toContain('sk-');
		expect(err.observed).toEqual({ httpStatus: 401 });
	});

	it('is an error on 403 and 404, never naming the key (error)', async () => {
		srv.route('GET /key/info', { status: 403, json: { error: { message: 'User cannot view info of key sk-wkshp-30d-aa11', type: 'auth_error', param: 'key', code: '403' } } });
		const denied = await probeError(observe('sk-wkshp-30d-aa11', { admin: true }));
		expect(denied.message).toContain('LiteLLM denied the admin key (secret "litellmAdmin") access to this key\'s info (403 auth_error)');
		expect(denied.message).not.toContain('sk-');
		srv.route('GET /key/info', { status: 404, json: fixture('error-not-found.json') });
		const unknown = await probeError(observe('sk-wkshp-30d-aa11', { admin: true }));
		expect(unknown.message).toBe('LiteLLM does not know the key in secret "litellmKey" (404 not_found_error)');
	});

	it('uses another secret when keySecret is given, and says when it is not set', async () => {
		const context = probeContext({ environment: { litellm: { url: srv.url.replace('127.0.0.1', 'localhost'), keySecret: 'litellmKey' }, tls: { caFile } }, secrets: { litellmKey: 'sk-wkshp-3d-cc33', oregonKey: 'sk-wkshp-30d-aa11' }, now: NOW });
		expect(await litellmKey.observe(litellmKey.params.parse({ keySecret: 'oregonKey' }), context)).toMatchObject({ daysLeft: 30 });
		const err = await probeError(litellmKey.observe(litellmKey.params.parse({ keySecret: 'emeaKey' }), context));
		expect(err.message).toContain('secret "emeaKey" is not set');
	});

	it('is an error when the gateway answers garbage (error)', async () => {
		srv.route('GET /key/info', { status: 502, body: '<html>502 Bad Gateway</html>' });
		const err = await probeError(observe('sk-wkshp-30d-aa11'));
		expect(err.message).toBe('LiteLLM /key/info answered 502 with a body that is not JSON');
	});

	it('stops at the deadline when the gateway is slow', async () => {
		srv.route('GET /key/info', { json: info('sk-wkshp-30d-aa11'), delayMs: 10_000 });
		const started = performance.now();
		const err = await probeError(observe('sk-wkshp-30d-aa11', { admin: true, timeoutMs: 300 }));
		expect(performance.now() - started).toBeLessThan(1_500);
		expect(err.message).toMatch(/^LiteLLM localhost:\d+: no answer before the deadline$/);
		expect(err.message).not.toContain('sk-');
	});
});
