import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dnsKind from '../../../src/checks/kinds/dns.ts';
import { compileRules, evaluateOutcome } from '../../../src/checks/outcome.ts';
import { ProbeError } from '../../../src/checks/types.ts';
import { probeContext } from '../../support/probe-context.ts';
import { startDnsmasq, type Dnsmasq } from '../../support/targets/dnsmasq.ts';

// dns-records in checks.md: fail if any does not resolve, or not to the expected target.
const rules = compileRules([
	{ status: 'fail', when: 'failed > 0', message: '{failed} of {total} names do not resolve: {failedNames}' },
	{ status: 'fail', when: 'unexpected > 0', message: 'not on the expected target: {unexpectedNames}' },
	{ status: 'pass', message: 'all {total} names resolve' },
]);

let dns: Dnsmasq;
let silent: Socket;
let silentPort: number;

beforeAll(async () => {
	dns = await startDnsmasq(
		{
			'coder.example.test': '127.0.0.1',
			'oregon.coder.example.test': '127.0.0.2',
			'emea.coder.example.test': ['127.0.0.3', '127.0.0.4'],
			'stale.example.test': '127.0.0.9',
		},
		{ cnames: { 'alb.example.test': 'coder.example.test' } },
	);
	// A DNS server that reads queries and never answers.
	silent = createSocket('udp4');
	await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
	silentPort = silent.address().port;
});

afterAll(async () => {
	silent?.close();
	await dns?.stop();
});

const label = () => `x${randomBytes(4).toString('hex')}`;
const ctx = (servers = [dns.server], timeoutMs = 5_000) => probeContext({ environment: { dns: { servers } }, timeoutMs });
const observe = (params: unknown, context = ctx()) => dnsKind.observe(dnsKind.params.parse(params), context);

describe('dns kind', () => {
	it('resolves hosts and random labels under wildcard records to the expected addresses (pass)', async () => {
		const oregonApp = `${label()}.oregon.coder.example.test`;
		const anyApp = `${label()}.coder.example.test`;
		const observed = await observe({
			names: ['coder.example.test', anyApp, 'oregon.coder.example.test', oregonApp, 'emea.coder.example.test'],
			expected: ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'],
		});
		expect(observed).toMatchObject({ total: 5, resolved: 5, failed: 0, failedNames: '', errors: {}, unexpected: 0, unexpectedNames: '' });
		expect(observed.answers).toMatchObject({
			'coder.example.test': ['127.0.0.1'],
			[anyApp]: ['127.0.0.1'],
			[oregonApp]: ['127.0.0.2'],
		});
		expect([...(observed.answers as Record<string, string[]>)['emea.coder.example.test']!].sort()).toEqual(['127.0.0.3', '127.0.0.4']);
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'pass', message: 'all 5 names resolve' });
	});

	it('observes NXDOMAIN for an unknown name as a failed name (fail)', async () => {
		const observed = await observe({ names: ['coder.example.test', 'nowhere.example.test'] });
		expect(observed).toMatchObject({ total: 2, resolved: 1, failed: 1, failedNames: 'nowhere.example.test', errors: { 'nowhere.example.test': 'ENOTFOUND' } });
		expect(observed.answers).toEqual({ 'coder.example.test': ['127.0.0.1'] });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: '1 of 2 names do not resolve: nowhere.example.test' });
	});

	it('observes a name resolving outside `expected` (fail)', async () => {
		const observed = await observe({ names: ['coder.example.test', 'stale.example.test', 'emea.coder.example.test'], expected: ['127.0.0.1', '127.0.0.3'] });
		// emea has 127.0.0.4 too, which is not expected.
		expect(observed).toMatchObject({ resolved: 3, failed: 0, unexpected: 2, unexpectedNames: 'stale.example.test, emea.coder.example.test' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'not on the expected target: stale.example.test, emea.coder.example.test' });
	});

	it('accepts a CNAME target as the expected answer', async () => {
		const observed = await observe({ names: ['ALB.example.test.', 'stale.example.test'], expected: ['coder.example.test'] });
		expect(observed).toMatchObject({ resolved: 2, unexpected: 1, unexpectedNames: 'stale.example.test' });
		expect(observed.answers).toMatchObject({ 'alb.example.test': ['127.0.0.1'] });
	});

	it('throws a ProbeError when no DNS server answers at all', async () => {
		const closed = createSocket('udp4');
		await new Promise<void>((resolve) => closed.bind(0, '127.0.0.1', () => resolve()));
		const port = closed.address().port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const err = await observe({ names: ['coder.example.test', 'oregon.coder.example.test'] }, ctx([`127.0.0.1:${port}`])).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ProbeError);
		expect((err as ProbeError).message).toBe(`no DNS server answered (127.0.0.1:${port}): ECONNREFUSED`);
		expect((err as ProbeError).observed).toMatchObject({ resolved: 0, failed: 2 });
	});

	it('stops at the deadline when the DNS server never answers', async () => {
		const started = performance.now();
		const err = await observe({ names: ['coder.example.test', 'oregon.coder.example.test'] }, ctx([`127.0.0.1:${silentPort}`], 300)).catch((e: unknown) => e);
		const elapsed = performance.now() - started;
		expect(err).toBeInstanceOf(ProbeError);
		expect((err as ProbeError).message).toBe('DNS lookups did not finish before the deadline (0 of 2 resolved)');
		expect(elapsed).toBeGreaterThanOrEqual(250);
		expect(elapsed).toBeLessThan(800);
	});

	it('rejects an empty list of names', () => {
		expect(dnsKind.params.safeParse({ names: [] }).success).toBe(false);
	});
});
