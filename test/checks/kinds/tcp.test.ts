import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tcp from '../../../src/checks/kinds/tcp.ts';
import { compileRules, evaluateOutcome } from '../../../src/checks/outcome.ts';
import { atDeadline } from '../../support/deadline.ts';
import { probeContext } from '../../support/probe-context.ts';
import { startDnsmasq, type Dnsmasq } from '../../support/targets/dnsmasq.ts';
import { startTarpit, type Tarpit } from '../../support/targets/tarpit.ts';

const rules = compileRules([
	{ status: 'fail', when: 'not connected', message: 'cannot connect: {error}' },
	{ status: 'warn', when: 'durationMs > 1000', message: 'connected in {durationMs} ms' },
	{ status: 'pass', message: 'connected in {durationMs} ms' },
]);

let dns: Dnsmasq;
let tarpit: Tarpit;
let silent: Socket;
let silentQueries = 0;

beforeAll(async () => {
	dns = await startDnsmasq({ 'db.example.test': '127.0.0.1' });
	tarpit = await startTarpit();
	silent = createSocket('udp4');
	silent.on('message', () => silentQueries++);
	await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
});

afterAll(async () => {
	silent?.close();
	await Promise.all([dns?.stop(), tarpit?.stop()]);
});

const ctx = (servers = [dns.server], timeoutMs = 5_000, signal?: AbortSignal) => probeContext({ environment: { dns: { servers } }, timeoutMs, signal });
const observe = (params: unknown, context = ctx()) => tcp.observe(tcp.params.parse(params), context);

describe('tcp kind', () => {
	it('connects by name over the environment resolver, then closes the connection (pass)', async () => {
		const before = tarpit.accepted();
		const observed = await observe({ host: 'db.example.test', port: tarpit.port });
		expect(observed).toMatchObject({ connected: true, error: null });
		expect(observed.durationMs).toBeLessThan(1_000);
		expect(tarpit.accepted()).toBe(before + 1);
		await tarpit.allClosed(1_000);
		expect(evaluateOutcome(rules, observed).status).toBe('pass');
	});

	it('observes a refused connection (fail)', async () => {
		const gone = await startTarpit();
		await gone.stop();
		const observed = await observe({ host: '127.0.0.1', port: gone.port });
		expect(observed).toMatchObject({ connected: false, error: 'ECONNREFUSED' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'cannot connect: ECONNREFUSED' });
	});

	it('observes a name that does not resolve (fail)', async () => {
		const observed = await observe({ host: 'nowhere.example.test', port: tarpit.port });
		expect(observed).toMatchObject({ connected: false, error: 'ENOTFOUND' });
	});

	it('stops at the deadline when the lookup never finishes', async () => {
		const before = silentQueries;
		const observed = await atDeadline((signal) => observe({ host: 'db.example.test', port: tarpit.port }, ctx([`127.0.0.1:${silent.address().port}`], 5_000, signal)), () => silentQueries > before);
		expect(observed).toMatchObject({ connected: false, error: 'ABORTED' });
	});

	it('validates the port', () => {
		expect(tcp.params.safeParse({ host: 'x', port: 0 }).success).toBe(false);
		expect(tcp.params.safeParse({ host: 'x' }).success).toBe(false);
	});
});
