import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/checks/load-config.ts';
import { Engine, worstStatus } from '../../src/checks/runner.ts';
import { fakeKind, passRule, testConfig } from '../support/fake-kind.ts';

function engine(checks: unknown[], env: NodeJS.ProcessEnv = {}, extra: Record<string, unknown> = {}) {
	const { kind, state } = fakeKind();
	const probes: string[] = [];
	const e = new Engine(validateConfig(testConfig(checks, extra) as never, { fake: kind }), { onProbe: (id, region) => probes.push(`${id}@${region}`), secretsSource: env });
	return { e, state, probes };
}
const check = (id: string, params: Record<string, unknown>, over: Record<string, unknown> = {}) => ({ id, title: id, kind: 'fake', runbook: '/incidents/', outcomes: passRule, params, ...over });

describe('Engine', () => {
	it('evaluates the outcome rules on observed values', async () => {
		const { e } = engine([check('low', { value: 0 }), check('ok', { value: 3 })]);
		const [[low], [ok]] = await Promise.all([e.run('low'), e.run('ok')]);
		expect(low).toMatchObject({ checkId: 'low', status: 'fail', message: 'value 0 is too low', observed: { value: 0 }, region: null, environment: 'test' });
		expect(ok!.status).toBe('pass');
		expect(Date.parse(ok!.startedAt)).toBeLessThanOrEqual(Date.parse(ok!.finishedAt));
	});

	it('fans a per-region check out, one result per region with its own placeholders', async () => {
		const { e } = engine([check('each', { value: 1, url: 'https://{region.host}/x' }, { perRegion: true })]);
		const results = await e.run('each');
		expect(results.map((r) => [r.region, r.observed.url])).toEqual([
			['r-one', 'https://one.example.test/x'],
			['r-two', 'https://two.example.test/x'],
		]);
	});

	it('applies environment overrides to a check’s parameters', async () => {
		const { e } = engine([check('ov', { value: 0 })], {}, { overrides: { ov: { params: { value: 5 } } } });
		expect((await e.run('ov'))[0]!.observed.value).toBe(5);
	});

	it('stops a probe at its deadline and reports error', async () => {
		const { e, state } = engine([check('slow', { hang: true }, { timeoutMs: 150 })]);
		const started = performance.now();
		const [r] = await e.run('slow');
		expect(performance.now() - started).toBeLessThan(2_000);
		expect(r).toMatchObject({ status: 'error', message: 'no answer within the 150 ms deadline; the probe was stopped' });
		expect(state.aborted).toBe(1);
		expect(state.inFlight).toBe(0);
	});

	it('turns a ProbeError into error with its partial observations', async () => {
		const { e } = engine([check('broken', { fail: 'the API answered 503' })]);
		expect((await e.run('broken'))[0]).toMatchObject({ status: 'error', message: 'the API answered 503', observed: { partial: true } });
	});

	it('shares one probe among identical concurrent requests, then caches briefly', async () => {
		const { e, probes } = engine([check('shared', { value: 2, delayMs: 50 }, { cacheSeconds: 30 })]);
		const all = await Promise.all(Array.from({ length: 200 }, () => e.run('shared')));
		expect(probes).toEqual(['shared@null']);
		expect(all.filter(([r]) => r!.shared)).toHaveLength(199);
		await e.run('shared');
		expect(probes).toHaveLength(1);
		await e.run('shared', undefined, { fresh: true });
		expect(probes).toHaveLength(2);
	});

	it('runs a list of checks in parallel under the bound', async () => {
		const checks = Array.from({ length: 12 }, (_, i) => check(`c${i}`, { value: 1, delayMs: 40 }));
		const { e, state } = engine(checks);
		const results = await e.runAll(checks.map((c) => c.id), undefined, { concurrency: 4 });
		expect(results.size).toBe(12);
		expect(state.maxInFlight).toBe(4);
	});

	it('redacts secret values from everything it returns', async () => {
		// The fake kind echoes the secret when asked to "leak" it, as a careless kind might.
		const { e } = engine([check('leaky', { fail: 'leak', delayMs: 1 }, { outcomes: [{ status: 'pass', message: 'token is {secret}' }] })], { HANDBOOK_TEST_TOKEN: 'canary-3f9a1c' });
		const [r] = await e.run('leaky');
		expect(JSON.stringify(r)).not.toContain('canary-3f9a1c');
		expect(r!.message).toBe('token is [redacted]');
	});

	it('reports a missing secret by its variable name', async () => {
		const { e } = engine([check('needs-secret', { fail: 'leak', delayMs: 1 })]);
		expect((await e.run('needs-secret'))[0]!.message).toBe('secret "token" is not set: export HANDBOOK_TEST_TOKEN before starting the handbook');
	});

	it('orders statuses worst first', () => {
		expect(worstStatus(['pass', 'warn', 'skipped'])).toBe('warn');
		expect(worstStatus(['fail', 'error', 'pass'])).toBe('error');
		expect(worstStatus([])).toBe('skipped');
	});
});
