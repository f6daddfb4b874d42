import { describe, expect, it } from 'vitest';
import config from '../../handbook.config.ts';
import { kinds } from '../../src/checks/kinds/index.ts';
import { ConfigError, unsetReport, validateConfig } from '../../src/checks/load-config.ts';
import { Engine } from '../../src/checks/runner.ts';
import { unset, unsetValues } from '../../src/checks/unset.ts';
import { fakeKind, passRule, testConfig } from '../support/fake-kind.ts';

const check = (id: string, params: Record<string, unknown>, over: Record<string, unknown> = {}) => ({ id, title: id, kind: 'fake', runbook: '/incidents/', outcomes: passRule, params, ...over });

function engine(checks: unknown[], extra: Record<string, unknown>) {
	const { kind, state } = fakeKind();
	const handbook = validateConfig(testConfig(checks, extra) as never, { fake: kind });
	return { handbook, e: new Engine(handbook, { secretsSource: {} }), state };
}

describe('unset config values', () => {
	it('finds markers anywhere in a value, with their paths', () => {
		expect(unsetValues({ a: [1, unset('why')], b: 'x' }, 'params')).toEqual([{ path: 'params.a[1]', reason: 'why' }]);
	});

	it('reports a check whose service URL is unset as "not configured", without probing', async () => {
		const { e, state, handbook } = engine([check('gw', { value: 3, url: '{env.litellm.url}/health' }), check('other', { value: 3 })], { litellm: { url: unset('the gateway host') } });
		const [gw] = await e.run('gw');
		expect(gw).toMatchObject({ status: 'error', message: 'not configured: environments.test.litellm.url is unset (the gateway host). Set it in handbook.config.ts' });
		// The kind never observed anything for it.
		expect(state.probes).toBe(0);
		expect((await e.run('other'))[0]!.status).toBe('pass');
		expect(state.probes).toBe(1);
		expect(unsetReport(handbook)).toEqual(['environments.test.litellm.url: the gateway host']);
	});

	it('reports an unset parameter override the same way, per region too', async () => {
		const { e, state } = engine([check('each', { value: 3 }, { perRegion: true })], { overrides: { each: { params: { value: unset('the count') } } } });
		const results = await e.run('each');
		expect(results.map((r) => [r.region, r.status])).toEqual([
			['r-one', 'error'],
			['r-two', 'error'],
		]);
		expect(results[0]!.message).toContain('environments.test.overrides.each.params.value is unset (the count)');
		expect(state.probes).toBe(0);
	});

	it('reports a per-region check needing an unset load balancer, and runs it once they are set', async () => {
		const regions = (lb: [string, string]) => [
			{ name: 'r-one', title: 'One', host: 'one.example.test', wildcard: '*.one.example.test', kubeContext: 'one', proxy: 'primary', loadBalancer: lb[0] },
			{ name: 'r-two', title: 'Two', host: 'two.example.test', wildcard: '*.two.example.test', kubeContext: 'two', proxy: 'two', loadBalancer: lb[1] },
		];
		const lbCheck = check('lb', { value: 3, url: '{region.loadBalancer}' }, { perRegion: true });
		const pending = engine([lbCheck], { regions: regions(['nlb-one.elb.example.test', unset('the NLB of region two')]) });
		expect((await pending.e.run('lb')).map((r) => r.status)).toEqual(['error', 'error']);
		expect(unsetReport(pending.handbook)).toEqual(['environments.test.regions[1] (r-two).loadBalancer: the NLB of region two']);
		expect(pending.state.probes).toBe(0);
		const ready = engine([lbCheck], { regions: regions(['nlb-one.elb.example.test', 'nlb-two.elb.example.test']) });
		expect((await ready.e.run('lb')).map((r) => [r.status, r.observed.url])).toEqual([
			['pass', 'nlb-one.elb.example.test'],
			['pass', 'nlb-two.elb.example.test'],
		]);
	});

	it('still refuses a URL that is neither absolute nor unset', () => {
		const { kind } = fakeKind();
		expect(() => validateConfig(testConfig([check('a', { value: 1 })], { prometheus: { url: 'prometheus.local' } }) as never, { fake: kind })).toThrow(ConfigError);
	});

	it('lists what the shipped config leaves to set for ai.coder.com, and invents no endpoint', () => {
		const handbook = validateConfig(config, kinds);
		const paths = unsetReport(handbook, 'ai.coder.com').map((l) => l.split(':')[0]);
		expect(paths).toEqual(expect.arrayContaining(['environments.ai.coder.com.litellm.url', 'environments.ai.coder.com.prometheus.url', 'environments.ai.coder.com.grafana.url']));
		// The endpoints the sources give are set: the platform and its regions.
		const env = handbook.environments.get('ai.coder.com')!;
		expect(env.coder?.url).toBe('https://ai.coder.com');
		expect(env.regions.map((r) => r.host)).toEqual(['ai.coder.com', 'oregon-proxy.ai.coder.com', 'emea-proxy.ai.coder.com']);
	});
});
