import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from '../../src/checks/load-config.ts';
import { kinds } from '../../src/checks/kinds/index.ts';
import { fakeKind, passRule, testConfig } from '../support/fake-kind.ts';

const { kind } = fakeKind();
const registry = { fake: kind };
const check = (over: Record<string, unknown> = {}) => ({ id: 'a-check', title: 'A', kind: 'fake', runbook: '/incidents/', outcomes: passRule, ...over });

function problems(config: unknown): string[] {
	try {
		validateConfig(config as never, registry);
	} catch (err) {
		expect(err).toBeInstanceOf(ConfigError);
		return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
	}
	return [];
}

describe('config validation', () => {
	it('accepts a good config and applies defaults', () => {
		const handbook = validateConfig(testConfig([check()]) as never, registry);
		const c = handbook.checks.get('a-check')!;
		expect(c.access).toBe('facilitator');
		expect(c.timeoutMs).toBe(10_000);
		expect(handbook.environments.get('test')!.workshop.expectedAttendance).toBe(15);
	});

	it('reports every problem at once, each with its path', () => {
		const found = problems(
			testConfig([
				check({ id: 'Bad Id' }),
				check({ id: 'no-catch-all', outcomes: [{ status: 'fail', when: 'value < 1', message: 'x' }] }),
				check({ id: 'bad-when', outcomes: [{ status: 'fail', when: 'value <', message: 'x' }, { status: 'pass', message: 'ok' }] }),
				check({ id: 'bad-kind', kind: 'nope' }),
				check({ id: 'bad-param', params: { delayMs: 'soon' } }),
				check({ id: 'bad-placeholder', params: { url: 'https://{region.hots}/' }, perRegion: true }),
				check(),
				check(),
			], { secrets: { token: 'sk-live-value' } }),
		);
		expect(found).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^checks\[0\] \(Bad Id\)\.id: a check id is kebab-case/),
				expect.stringMatching(/^checks\[1\] \(no-catch-all\)\.outcomes\[0\]: the last rule must be a catch-all/),
				expect.stringMatching(/^checks\[2\] \(bad-when\)\.outcomes\[0\]\.when: expected a value but found the end at column 8/),
				expect.stringMatching(/^checks\[3\] \(bad-kind\)\.kind: unknown kind "nope"; known kinds: fake/),
				expect.stringMatching(/^checks\[7\] \(a-check\)\.id: duplicate check id/),
				expect.stringMatching(/^environments\.test\.secrets\.token: a secret is named by its environment variable/),
			]),
		);
		// The bad secret name never echoes the value it was given.
		expect(found.join('\n')).not.toContain('sk-live-value');
	});

	it("takes the participants' platform WebSocket only as a ws:// or wss:// URL", () => {
		expect(problems(testConfig([check()], { selfCheck: { websocket: 'wss://ai.coder.com/socket' } }))).toEqual([]);
		expect(problems(testConfig([check()], { selfCheck: { websocket: 'https://ai.coder.com/socket' } }))).toEqual([expect.stringMatching(/^environments\.test\.selfCheck\.websocket: must be a ws:\/\/ or wss:\/\/ URL/)]);
	});

	it('checks kind parameters after placeholders, for each region', () => {
		const found = problems(testConfig([check({ id: 'bad-param', params: { delayMs: 'soon' } }), check({ id: 'bad-placeholder', params: { url: 'https://{region.hots}/' }, perRegion: true })]));
		expect(found).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^checks\[0\] \(bad-param\)\.params\.delayMs: .*\(environment test\)/),
				expect.stringMatching(/^checks\[1\] \(bad-placeholder\)\.params\.url: unknown placeholder \{region\.hots\}.*\(environment test, region r-one\)/),
			]),
		);
	});

	it('refuses an unknown default environment and overrides of unknown checks', () => {
		const config = testConfig([check()], { overrides: { 'no-such-check': { params: {} } } });
		config.defaultEnvironment = 'prod';
		expect(problems(config)).toEqual(
			expect.arrayContaining([expect.stringMatching(/^defaultEnvironment: "prod" is not one of/), expect.stringMatching(/^environments\.test\.overrides\.no-such-check: no check/)]),
		);
	});

	it('refuses a file that does not load, naming it', async () => {
		await expect(loadConfig(kinds, '/nonexistent/handbook.config.ts')).rejects.toThrow(/\/nonexistent\/handbook\.config\.ts is invalid:\n {2}- \(file\): no such file/);
	});

	it('loads the shipped config with every check of the catalogue', async () => {
		const handbook = await loadConfig(kinds, 'handbook.config.ts');
		expect([...handbook.checks.keys()]).toHaveLength(26);
		expect(handbook.environments.get('ai.coder.com')!.regions.map((r) => r.name)).toEqual(['us-east-2', 'us-west-2', 'eu-west-2']);
	});
});
