import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import prometheus from '../../../src/checks/kinds/prometheus.ts';
import { compileRules, evaluateOutcome } from '../../../src/checks/outcome.ts';
import type { Observed } from '../../../src/checks/types.ts';
import { probeContext, probeError } from '../../support/probe-context.ts';
import { filesystemExposition, startPrometheusStack, WORKSHOP_RULES, type PrometheusStack } from '../../support/targets/prometheus.ts';
import { startRecorded, type RecordedServer } from '../../support/targets/recorded.ts';

const STORAGE = '(1 - node_filesystem_avail_bytes{mountpoint="/",fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{mountpoint="/",fstype!~"tmpfs|overlay|squashfs"}) * 100';
const storageOf = (matcher: string) => `max by (node) (${STORAGE.replaceAll('mountpoint="/"', `mountpoint="/",${matcher}`)})`;
const WORKSHOP_ALERTS = ['Watchdog', 'NodeEphemeralStorageUsage', 'CoderdWorkspaceBuildFailures', 'LiteLLMKeyExpiringSoon'];
// A rule Prometheus loads but cannot evaluate: "up" has several series on both sides of on().
const BROKEN_RULE = `  - name: broken
    rules:
      - alert: BrokenJoin
        expr: up * on() up > 0
`;

let stack: PrometheusStack;
let fake: RecordedServer;

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: T | undefined;
	while (Date.now() < deadline) {
		try {
			last = await fn();
			if (ok(last)) return last;
		} catch {
			// not yet
		}
		await sleep(250);
	}
	throw new Error(`${what}: not seen within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

beforeAll(async () => {
	stack = await startPrometheusStack({
		exposition: `${filesystemExposition({ 'node-a': 42, 'node-b': 55, 'node-c': 64 })}# TYPE workshop_bad_ratio gauge\nworkshop_bad_ratio NaN\n`,
		downTarget: true,
		rules: WORKSHOP_RULES + BROKEN_RULE,
	});
	fake = await startRecorded({});
	// Wait for the first scrape and the first evaluation of every rule.
	await until('exporter scraped', () => observe({ mode: 'query', query: storageOf('node=~".+"'), label: 'node' }), (o) => o.count === 3);
	await until('rules evaluated', () => observe({ mode: 'rules', alerts: ['BrokenJoin'] }), (o) => o.unhealthyAlerts === 'BrokenJoin');
}, 60_000);

afterAll(async () => {
	await Promise.all([stack?.stop(), fake?.stop()]);
});

function ctx(url = stack.prometheusUrl, timeoutMs = 5_000) {
	return probeContext({ environment: { prometheus: { url } }, timeoutMs });
}
function observe(params: unknown, context = ctx()): Promise<Observed> {
	return prometheus.observe(prometheus.params.parse(params), context);
}

describe('the Prometheus test stack', () => {
	it('names the Debian packages when the binaries are missing', async () => {
		const saved = process.env.PATH;
		process.env.PATH = '/nonexistent';
		const starting = startPrometheusStack();
		process.env.PATH = saved;
		await expect(starting).rejects.toThrow('prometheus is not installed: run `apt-get install -y --no-install-recommends prometheus prometheus-alertmanager`');
	});
});

describe('prometheus kind, mode query (real Prometheus)', () => {
	// node-ephemeral-storage: fail any node ≥ 60%; warn ≥ 50% (names the nodes).
	const rules = compileRules([
		{ status: 'fail', when: 'max >= 60', message: '{maxSeries} at {max}% ({series})' },
		{ status: 'warn', when: 'max >= 50', message: '{maxSeries} at {max}%' },
		{ status: 'pass', message: 'max {max}% over {count} nodes' },
	]);

	it('summarises one node below 50% (pass)', async () => {
		const observed = await observe({ mode: 'query', query: storageOf('node="node-a"'), label: 'node' });
		expect(observed).toEqual({ count: 1, max: 42, min: 42, sum: 42, value: 42, maxSeries: 'node-a', series: 'node-a=42' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'pass', message: 'max 42% over 1 nodes' });
	});

	it('names the node at 55% (warn)', async () => {
		const observed = await observe({ mode: 'query', query: storageOf('node=~"node-a|node-b"'), label: 'node' });
		expect(observed).toMatchObject({ count: 2, max: 55, min: 42, maxSeries: 'node-b', series: 'node-b=55, node-a=42' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'warn', message: 'node-b at 55%' });
	});

	it('names the node at 64% and lists all, largest first (fail)', async () => {
		const observed = await observe({ mode: 'query', query: storageOf('node=~".+"'), label: 'node' });
		expect(observed).toEqual({ count: 3, max: 64, min: 42, sum: 161, value: expect.any(Number), maxSeries: 'node-c', series: 'node-c=64, node-b=55, node-a=42' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'node-c at 64% (node-c=64, node-b=55, node-a=42)' });
	});

	it('names series by their other labels when the label is absent, and reads scalars and empty results', async () => {
		const byInstance = await observe({ mode: 'query', query: 'up{job="node"}' });
		expect(byInstance).toMatchObject({ count: 1, value: 1, maxSeries: new URL(stack.exporter.url).host });
		const other = await observe({ mode: 'query', query: 'sum by (job) (up{job=~"node|down"})', label: 'nope' });
		expect(other.series).toBe('job=node=1, job=down=0');
		expect(await observe({ mode: 'query', query: 'scalar(vector(2.5))' })).toEqual({ count: 1, max: 2.5, min: 2.5, sum: 2.5, value: 2.5, maxSeries: '{}', series: '{}=2.5' });
		expect(await observe({ mode: 'query', query: 'no_such_metric_anywhere' })).toEqual({ count: 0, max: null, min: null, sum: 0, value: null, maxSeries: null, series: '' });
	});

	it('is an error on a query that does not parse (error)', async () => {
		const err = await probeError(observe({ mode: 'query', query: 'max(up' }));
		expect(err.message).toMatch(/^Prometheus query "max\(up" failed \(400 bad_data: invalid parameter "query": .*parse error/);
		expect(err.observed).toEqual({ httpStatus: 400, errorType: 'bad_data' });
	});

	it('is an error on NaN, +Inf and range vectors (error)', async () => {
		expect((await probeError(observe({ mode: 'query', query: 'workshop_bad_ratio' }))).message).toBe(`Prometheus query "workshop_bad_ratio" gave series ${new URL(stack.exporter.url).host} the value "NaN", which is not a finite number`);
		expect((await probeError(observe({ mode: 'query', query: 'vector(1) / 0' }))).message).toContain('the value "+Inf", which is not a finite number');
		expect((await probeError(observe({ mode: 'query', query: 'up[1m]' }))).message).toContain('returned a matrix, not an instant vector');
	});

	it('is an error when Prometheus answers a non-JSON body or is not configured', async () => {
		fake.route('GET /api/v1/query', { status: 502, body: 'Bad Gateway' });
		expect((await probeError(observe({ mode: 'query', query: 'up' }, ctx(fake.url)))).message).toBe('Prometheus query "up" answered 502 with a body that is not JSON: Bad Gateway');
		const none = probeContext({});
		expect((await probeError(prometheus.observe(prometheus.params.parse({ mode: 'ready' }), none))).message).toBe('environment "test" has no prometheus.url');
	});

	it('stops at the deadline when Prometheus is slow', async () => {
		fake.route('GET /api/v1/query', { json: { status: 'success', data: { resultType: 'vector', result: [] } }, delayMs: 10_000 });
		const started = performance.now();
		const err = await probeError(observe({ mode: 'query', query: 'up' }, ctx(fake.url, 300)));
		expect(performance.now() - started).toBeLessThan(1_500);
		expect(err.message).toBe('Prometheus did not answer before the deadline');
	});
});

describe('prometheus kind, mode ready', () => {
	// prometheus-ready: fail if not ready; warn if any target down.
	const rules = compileRules([
		{ status: 'fail', when: 'not ready', message: 'Prometheus not ready: {error}' },
		{ status: 'warn', when: 'targetsDown > 0', message: 'targets down: {downTargets}' },
		{ status: 'pass', message: 'ready, {targetsUp} targets up' },
	]);

	it('sees the real Prometheus ready with one target down (warn)', async () => {
		const observed = await until('down target seen', () => observe({ mode: 'ready' }), (o) => o.targetsDown === 1);
		expect(observed).toEqual({ ready: true, error: null, targetsUp: 2, targetsDown: 1, targetsUnknown: 0, downTargets: stack.downTarget });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'warn', message: `targets down: ${stack.downTarget}` });
	});

	it('sees all targets up (pass)', async () => {
		fake.route('GET /-/ready', { body: 'Prometheus Server is Ready.\n' });
		fake.route('GET /api/v1/targets', {
			json: {
				status: 'success',
				data: {
					activeTargets: [
						{ labels: { job: 'node', instance: '10.0.3.41:9100' }, health: 'up', scrapeUrl: 'http://10.0.3.41:9100/metrics' },
						{ labels: { job: 'coderd', instance: '10.0.1.10:2112' }, health: 'up', scrapeUrl: 'http://10.0.1.10:2112/metrics' },
						{ labels: { job: 'coderd', instance: '10.0.1.11:2112' }, health: 'unknown', scrapeUrl: 'http://10.0.1.11:2112/metrics' },
					],
					droppedTargets: [],
				},
			},
		});
		const observed = await observe({ mode: 'ready' }, ctx(fake.url));
		expect(observed).toEqual({ ready: true, error: null, targetsUp: 2, targetsDown: 0, targetsUnknown: 1, downTargets: '' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'pass', message: 'ready, 2 targets up' });
		expect(fake.requests.at(-1)!.url).toBe('/api/v1/targets?state=active');
	});

	it('observes not ready (503) and unreachable as ready: false (fail)', async () => {
		fake.route('GET /-/ready', { status: 503, body: 'Service Unavailable' });
		const starting = await observe({ mode: 'ready' }, ctx(fake.url));
		expect(starting).toEqual({ ready: false, error: 'HTTP 503', targetsUp: null, targetsDown: null, targetsUnknown: null, downTargets: '' });
		expect(evaluateOutcome(rules, starting)).toEqual({ status: 'fail', message: 'Prometheus not ready: HTTP 503' });
		const gone = await startRecorded({});
		await gone.stop();
		expect(await observe({ mode: 'ready' }, ctx(gone.url))).toMatchObject({ ready: false, error: 'ECONNREFUSED' });
	});

	it('is an error when the targets answer is malformed (error)', async () => {
		fake.route('GET /-/ready', { body: 'Prometheus Server is Ready.\n' });
		fake.route('GET /api/v1/targets', { json: { status: 'success', data: {} } });
		expect((await probeError(observe({ mode: 'ready' }, ctx(fake.url)))).message).toBe('Prometheus targets answer has no activeTargets list');
	});

	it('stops at the deadline when /-/ready hangs', async () => {
		fake.route('GET /-/ready', { body: 'Prometheus Server is Ready.\n', delayMs: 10_000 });
		const started = performance.now();
		const err = await probeError(observe({ mode: 'ready' }, ctx(fake.url, 300)));
		expect(performance.now() - started).toBeLessThan(1_500);
		expect(err.message).toBe('Prometheus did not answer /-/ready before the deadline');
	});
});

describe('prometheus kind, mode rules (real Prometheus)', () => {
	// alert-rules-present: fail if one is missing (name it); warn when a named rule cannot be evaluated.
	const rules = compileRules([
		{ status: 'fail', when: 'missing > 0', message: 'missing alert rules: {missingAlerts}' },
		{ status: 'warn', when: 'unhealthyAlerts != ""', message: 'alert rules failing to evaluate: {unhealthyAlerts}' },
		{ status: 'pass', message: '{present} alert rules present' },
	]);

	it('finds the storage, workspace-failure, key-expiry and Watchdog rules (pass)', async () => {
		const observed = await observe({ mode: 'rules', alerts: WORKSHOP_ALERTS });
		// 1 Watchdog + 3 storage thresholds + 2 workshop + 1 broken.
		expect(observed).toEqual({ present: 4, missing: 0, missingAlerts: '', alertRules: 7, unhealthyAlerts: '' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'pass', message: '4 alert rules present' });
	});

	it('names a rule that cannot be evaluated (warn)', async () => {
		const observed = await observe({ mode: 'rules', alerts: [...WORKSHOP_ALERTS, 'BrokenJoin'] });
		expect(observed).toMatchObject({ present: 5, missing: 0, unhealthyAlerts: 'BrokenJoin' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'warn', message: 'alert rules failing to evaluate: BrokenJoin' });
	});

	it('names the missing rule (fail)', async () => {
		const observed = await observe({ mode: 'rules', alerts: [...WORKSHOP_ALERTS, 'ProvisionerJobQueueBacklog'] });
		expect(observed).toMatchObject({ present: 4, missing: 1, missingAlerts: 'ProvisionerJobQueueBacklog' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'missing alert rules: ProvisionerJobQueueBacklog' });
	});

	it('is an error when Prometheus answers an error (error)', async () => {
		fake.route('GET /api/v1/rules', { status: 503, json: { status: 'error', errorType: 'unavailable', error: 'rule manager not ready' } });
		const err = await probeError(observe({ mode: 'rules', alerts: ['Watchdog'] }, ctx(fake.url)));
		expect(err.message).toBe('Prometheus rules failed (503 unavailable: rule manager not ready)');
	});

	it('stops at the deadline when Prometheus is slow', async () => {
		fake.route('GET /api/v1/rules', { json: { status: 'success', data: { groups: [] } }, delayMs: 10_000 });
		const started = performance.now();
		await probeError(observe({ mode: 'rules', alerts: ['Watchdog'] }, ctx(fake.url, 300)));
		expect(performance.now() - started).toBeLessThan(1_500);
	});
});
