import { describe, expect, it } from 'vitest';
import { appliesTo, ConfigError, loadConfig, validateConfig } from '../../src/checks/load-config.ts';
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
		const checks = [...handbook.checks.values()];
		const platform = handbook.environments.get('ai.coder.com')!;
		const pipeline = handbook.environments.get('content-pipeline')!;
		// The 27 of the workshop catalogue run on the platform; the launch pipeline has its own 7.
		expect(checks.filter((c) => appliesTo(c, platform))).toHaveLength(27);
		expect(checks.filter((c) => appliesTo(c, pipeline)).map((c) => c.id)).toEqual([
			'pipeline-telemetry',
			'pipeline-last-run',
			'pipeline-templates-generated',
			'pipeline-build-time',
			'pipeline-failure-rate',
			'pipeline-alert-rules',
			'pipeline-alert-delivery',
		]);
		expect(platform.regions.map((r) => r.name)).toEqual(['us-east-2', 'us-west-2', 'eu-west-2']);
		expect(handbook.cadence).toEqual({ rule: 'first tuesday', time: '16:00', durationMinutes: 90, timezone: 'Europe/London', title: 'Stress-test workshop' });
	});
});

describe('environments of other programs', () => {
	const pipeline = { title: 'Pipeline', exclusive: true, prometheus: { url: 'https://prometheus.example.test' } };

	it('runs in an exclusive environment only the checks that name it', () => {
		const config = testConfig([check({ id: 'everywhere' }), check({ id: 'pipeline-only', environments: ['pipeline'] })]);
		(config.environments as Record<string, unknown>).pipeline = pipeline;
		const handbook = validateConfig(config as never, registry);
		const ids = (env: string) => [...handbook.checks.values()].filter((c) => appliesTo(c, handbook.environments.get(env)!)).map((c) => c.id);
		expect(ids('test')).toEqual(['everywhere']);
		expect(ids('pipeline')).toEqual(['pipeline-only']);
		expect(handbook.environments.get('pipeline')!.regions).toEqual([]);
	});

	it('refuses a per-region check in an environment without regions', () => {
		const config = testConfig([check({ id: 'per-region', perRegion: true, environments: ['test', 'pipeline'] })]);
		(config.environments as Record<string, unknown>).pipeline = pipeline;
		expect(problems(config)).toEqual([expect.stringMatching(/^checks\[0\] \(per-region\)\.perRegion: the check runs per region but environment pipeline has no regions/)]);
	});
});

describe('cadence', () => {
	it('defaults to the first Tuesday, 16:00 UTC, 90 minutes', () => {
		expect(validateConfig(testConfig([check()]) as never, registry).cadence).toEqual({ rule: 'first tuesday', time: '16:00', durationMinutes: 90, timezone: 'UTC', title: 'Stress-test workshop' });
	});

	it('refuses a rule, a time or a time zone it cannot use, with the path', () => {
		const config = { ...testConfig([check()]), cadence: { rule: 'every tuesday', time: '4pm', timezone: 'Mars/Olympus' } };
		expect(problems(config)).toEqual([
			expect.stringMatching(/^cadence\.rule: a cadence rule names a week and a weekday, e\.g\. "first tuesday"/),
			expect.stringMatching(/^cadence\.time: a time is HH:MM on a 24-hour clock/),
			expect.stringMatching(/^cadence\.timezone: a time zone is an IANA name/),
		]);
	});
});
