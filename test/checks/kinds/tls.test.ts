import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tls from '../../../src/checks/kinds/tls.ts';
import { compileRules, evaluateOutcome } from '../../../src/checks/outcome.ts';
import { ProbeError } from '../../../src/checks/types.ts';
import { atDeadline } from '../../support/deadline.ts';
import { probeContext } from '../../support/probe-context.ts';
import { createTestPki, type TestPki } from '../../support/targets/certs.ts';
import { startDnsmasq, type Dnsmasq } from '../../support/targets/dnsmasq.ts';
import { startHttpsServer, type TestServer } from '../../support/targets/https-server.ts';
import { startTarpit, type Tarpit } from '../../support/targets/tarpit.ts';

const HOST = 'coder.example.test';
const NAMES = [HOST, `*.${HOST}`];
// tls-expiry in checks.md: fail < 7 days or name mismatch; warn < 21 days.
const rules = compileRules([
	{ status: 'fail', when: 'not coversHost or uncoveredNames != ""', message: 'certificate does not cover {uncoveredNames}' },
	{ status: 'fail', when: 'daysLeft < 7', message: 'certificate expires in {daysLeft} days' },
	{ status: 'warn', when: 'daysLeft < 21', message: 'certificate expires in {daysLeft} days' },
	{ status: 'pass', message: 'certificate valid for {daysLeft} days' },
]);

let pki: TestPki;
let dns: Dnsmasq;
const servers: Record<'valid' | 'expiring' | 'wrongName' | 'expired' | 'hostOnly', TestServer> = {} as never;
let tarpit: Tarpit;

beforeAll(async () => {
	pki = createTestPki();
	dns = await startDnsmasq({ [HOST]: '127.0.0.1', 'tarpit.example.test': '127.0.0.1' });
	const handler = (_: unknown, res: { end(body: string): void }) => res.end('OK');
	servers.valid = await startHttpsServer({ cert: pki.issue(NAMES, 90), handler });
	servers.expiring = await startHttpsServer({ cert: pki.issue(NAMES, 3), handler });
	servers.wrongName = await startHttpsServer({ cert: pki.issue(['other.example.test'], 90), handler });
	servers.expired = await startHttpsServer({ cert: pki.issue(NAMES, -2), handler });
	servers.hostOnly = await startHttpsServer({ cert: pki.issue([HOST], 90), handler });
	tarpit = await startTarpit();
});

afterAll(async () => {
	await Promise.all([...Object.values(servers).map((s) => s?.stop()), dns?.stop(), tarpit?.stop()]);
	if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

function ctx(options: { ca?: boolean; timeoutMs?: number; signal?: AbortSignal } = {}) {
	return probeContext({
		environment: { dns: { servers: [dns.server] }, ...(options.ca === false ? {} : { tls: { caFile: pki.ca.certFile } }) },
		timeoutMs: options.timeoutMs ?? 5_000,
		signal: options.signal,
	});
}

const randomLabel = () => `x${randomBytes(4).toString('hex')}`;

describe('tls kind', () => {
	it('observes a trusted certificate valid for 90 days that covers the host and the wildcard', async () => {
		const label = randomLabel();
		const observed = await tls.observe(tls.params.parse({ host: HOST, port: servers.valid.port, names: [`${label}.${HOST}`] }), ctx());
		expect(observed).toMatchObject({
			subject: HOST,
			issuer: 'Handbook Test CA',
			altNames: NAMES,
			authorized: true,
			authorizationError: null,
			coversHost: true,
			uncoveredNames: '',
		});
		expect(observed.daysLeft).toBeGreaterThan(89.9);
		expect(observed.daysLeft).toBeLessThanOrEqual(90);
		expect(Date.parse(observed.validTo as string)).toBeGreaterThan(Date.now() + 89 * 86_400_000);
		expect(observed.validTo).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(evaluateOutcome(rules, observed).status).toBe('pass');
	});

	it('reports wildcard names the certificate does not cover (a random label, and two labels deep)', async () => {
		const label = randomLabel();
		const deep = `a.${label}.${HOST}`;
		const wildcardMissing = await tls.observe(tls.params.parse({ host: HOST, port: servers.hostOnly.port, names: [`${label}.${HOST}`] }), ctx());
		expect(wildcardMissing).toMatchObject({ coversHost: true, authorized: true, uncoveredNames: `${label}.${HOST}`, altNames: [HOST] });
		expect(evaluateOutcome(rules, wildcardMissing)).toEqual({ status: 'fail', message: `certificate does not cover ${label}.${HOST}` });

		const tooDeep = await tls.observe(tls.params.parse({ host: HOST, port: servers.valid.port, names: [`${label}.${HOST}`, deep] }), ctx());
		expect(tooDeep.uncoveredNames).toBe(deep);
	});

	it('observes a certificate expiring in 3 days (a fail by the tls-expiry rules)', async () => {
		const observed = await tls.observe(tls.params.parse({ host: HOST, port: servers.expiring.port }), ctx());
		expect(observed.daysLeft).toBeGreaterThan(2.9);
		expect(observed.daysLeft).toBeLessThanOrEqual(3);
		expect(observed.authorized).toBe(true);
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'certificate expires in 3 days' }); // 2.99, shown to one decimal
	});

	it('turns 3 days left into a warn when the clock says 15 days earlier', async () => {
		const observed = await tls.observe(
			tls.params.parse({ host: HOST, port: servers.expiring.port }),
			probeContext({ environment: { dns: { servers: [dns.server] }, tls: { caFile: pki.ca.certFile } }, now: new Date(Date.now() - 15 * 86_400_000) }),
		);
		expect(observed.daysLeft).toBeGreaterThan(17.9);
		expect(evaluateOutcome(rules, observed).status).toBe('warn');
	});

	it('observes a certificate for another name: not covered, not authorized', async () => {
		const observed = await tls.observe(tls.params.parse({ host: HOST, port: servers.wrongName.port }), ctx());
		expect(observed).toMatchObject({
			subject: 'other.example.test',
			altNames: ['other.example.test'],
			coversHost: false,
			uncoveredNames: HOST,
			authorized: false,
			authorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID',
		});
		expect(evaluateOutcome(rules, observed).status).toBe('fail');
	});

	it('observes an expired certificate instead of failing the handshake', async () => {
		const observed = await tls.observe(tls.params.parse({ host: HOST, port: servers.expired.port }), ctx());
		expect(observed.daysLeft).toBeLessThan(-1.9);
		expect(observed.daysLeft).toBeGreaterThan(-2.1);
		expect(observed).toMatchObject({ authorized: false, authorizationError: 'CERT_HAS_EXPIRED', coversHost: true });
		expect(evaluateOutcome(rules, observed).message).toMatch(/^certificate expires in -2(\.0)? days$/);
	});

	it('reports an untrusted chain when the environment has no CA for it', async () => {
		const observed = await tls.observe(tls.params.parse({ host: HOST, port: servers.valid.port }), ctx({ ca: false }));
		expect(observed).toMatchObject({ authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', coversHost: true });
	});

	it('connects by address with servername for SNI and the name check', async () => {
		const observed = await tls.observe(tls.params.parse({ host: '127.0.0.1', port: servers.valid.port, servername: HOST }), ctx());
		expect(observed).toMatchObject({ authorized: true, coversHost: true, uncoveredNames: '' });
	});

	it('throws a ProbeError when the host does not resolve', async () => {
		const err = await tls.observe(tls.params.parse({ host: 'nowhere.example.test', port: servers.valid.port }), ctx()).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ProbeError);
		expect((err as ProbeError).message).toContain('ENOTFOUND');
		expect((err as ProbeError).observed).toEqual({ error: 'ENOTFOUND' });
	});

	it('throws a ProbeError when the connection is refused', async () => {
		const closed = await startHttpsServer({ cert: pki.issue(NAMES, 90), handler: (_, res) => void res.end() });
		await closed.stop();
		const err = await tls.observe(tls.params.parse({ host: HOST, port: closed.port }), ctx()).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ProbeError);
		expect((err as ProbeError).message).toBe(`no TLS handshake with ${HOST}:${closed.port}: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:${closed.port})`);
	});

	it('gives up at the deadline when the server never answers the handshake, and closes the socket', async () => {
		const err = await atDeadline((signal) => tls.observe(tls.params.parse({ host: 'tarpit.example.test', port: tarpit.port }), ctx({ signal })).catch((e: unknown) => e), () => tarpit.accepted() === 1);
		expect(err).toBeInstanceOf(ProbeError);
		expect((err as ProbeError).message).toBe(`no TLS handshake with tarpit.example.test:${tarpit.port} before the deadline`);
		expect(tarpit.accepted()).toBe(1);
		await tarpit.allClosed(1_000);
		expect(tarpit.open()).toBe(0);
	});
});
