import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import alertmanager from '../../../src/checks/kinds/alertmanager.ts';
import { compileRules, evaluateOutcome } from '../../../src/checks/outcome.ts';
import type { Observed } from '../../../src/checks/types.ts';
import { probeContext, probeError } from '../../support/probe-context.ts';
import { startPrometheusStack, type PrometheusStack } from '../../support/targets/prometheus.ts';
import { startRecorded, type RecordedServer } from '../../support/targets/recorded.ts';

// alertmanager-watchdog: fail if the Watchdog is not firing; warn on a degraded cluster or no receivers.
const rules = compileRules([
	{ status: 'fail', when: 'not ready', message: 'Alertmanager not ready: {error}' },
	{ status: 'fail', when: 'not watchdogFiring', message: 'Watchdog not firing (state {watchdogState})' },
	{ status: 'warn', when: 'receivers == 0 or clusterStatus == "settling"', message: 'cluster {clusterStatus}, receivers: {receiverNames}' },
	{ status: 'pass', message: 'Watchdog firing, receivers: {receiverNames}' },
]);

const activeWatchdog = {
	annotations: { summary: 'Always firing; proves the alerting pipeline works end to end.' },
	endsAt: '2026-11-22T12:10:22.737Z',
	fingerprint: '448881ef475b9b26',
	receivers: [{ name: 'workshop-oncall' }],
	startsAt: '2026-11-22T12:05:20.737Z',
	status: { inhibitedBy: [], silencedBy: [], state: 'active' },
	updatedAt: '2026-11-22T12:06:22.741Z',
	generatorURL: 'http://prometheus:9090/graph?g0.expr=vector%281%29&g0.tab=1',
	labels: { alertname: 'Watchdog', severity: 'none' },
};
const status = (cluster: string, peers: number) => ({
	cluster: { status: cluster, name: '01HZX', peers: Array.from({ length: peers }, (_, i) => ({ name: `p${i}`, address: `10.0.0.${i}:9094` })) },
	config: { original: 'route:\n  receiver: workshop-oncall\n' },
	uptime: '2026-11-22T12:05:20.664Z',
	versionInfo: { branch: 'HEAD', buildDate: '', buildUser: '', goVersion: 'go1.22', revision: '', version: '0.27.0' },
});

let stack: PrometheusStack;
let fake: RecordedServer;

beforeAll(async () => {
	stack = await startPrometheusStack();
	fake = await startRecorded({
		'GET /-/ready': { body: 'OK' },
		'GET /api/v2/status': { json: status('ready', 3) },
		'GET /api/v2/alerts': { json: [activeWatchdog] },
		'GET /api/v2/receivers': { json: [{ name: 'workshop-oncall' }, { name: 'null' }] },
	});
}, 60_000);

afterAll(async () => {
	await Promise.all([stack?.stop(), fake?.stop()]);
});

function ctx(url = stack.alertmanagerUrl, timeoutMs = 5_000) {
	return probeContext({ environment: { alertmanager: { url } }, timeoutMs });
}
function observe(params: unknown = {}, context = ctx()): Promise<Observed> {
	return alertmanager.observe(alertmanager.params.parse(params), context);
}

describe('alertmanager kind (real Prometheus and Alertmanager)', () => {
	it('sees the Watchdog active and the receiver configured (pass)', async () => {
		const observed = await observe();
		expect(observed).toEqual({ ready: true, error: null, clusterStatus: 'disabled', peers: 0, watchdogFiring: true, watchdogState: 'active', receivers: 1, receiverNames: 'workshop-oncall' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'pass', message: 'Watchdog firing, receivers: workshop-oncall' });
		// The pipeline really delivered: the receiver's webhook got the Watchdog.
		expect(JSON.stringify(stack.notifications)).toContain('"alertname":"Watchdog"');
	});

	it('sees a silenced Watchdog as not firing (fail)', async () => {
		const silence = await fetch(`${stack.alertmanagerUrl}/api/v2/silences`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				matchers: [{ name: 'alertname', value: 'Watchdog', isRegex: false, isEqual: true }],
				startsAt: new Date().toISOString(),
				endsAt: new Date(Date.now() + 3_600_000).toISOString(),
				createdBy: 'handbook-test',
				comment: 'test: a muted pipeline',
			}),
		});
		expect(silence.status).toBe(200);
		const { silenceID } = (await silence.json()) as { silenceID: string };
		try {
			const observed = await observe();
			expect(observed).toMatchObject({ ready: true, watchdogFiring: false, watchdogState: 'suppressed' });
			expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'Watchdog not firing (state suppressed)' });
		} finally {
			await fetch(`${stack.alertmanagerUrl}/api/v2/silence/${silenceID}`, { method: 'DELETE' });
		}
	});

	it('sees an alert name that never fires as absent (fail)', async () => {
		const observed = await observe({ watchdog: 'DeadMansSwitch' });
		expect(observed).toMatchObject({ watchdogFiring: false, watchdogState: null });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'Watchdog not firing (state none)' });
	});

	it('sends the watchdog filter URL-encoded, and sees a settling cluster without receivers (warn)', async () => {
		fake.route('GET /api/v2/status', { json: status('settling', 1) });
		fake.route('GET /api/v2/receivers', { json: [] });
		const observed = await observe({}, ctx(fake.url));
		expect(observed).toEqual({ ready: true, error: null, clusterStatus: 'settling', peers: 1, watchdogFiring: true, watchdogState: 'active', receivers: 0, receiverNames: '' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'warn', message: 'cluster settling, receivers: ' });
		const alerts = fake.requests.find((r) => r.path === '/api/v2/alerts')!;
		expect(alerts.url).toBe('/api/v2/alerts?filter=alertname%3D%22Watchdog%22');
		expect(alerts.query.get('filter')).toBe('alertname="Watchdog"');
	});

	it('observes an unreachable or unready Alertmanager as ready: false (fail)', async () => {
		const gone = await startRecorded({});
		await gone.stop();
		const down = await observe({}, ctx(gone.url));
		expect(down).toEqual({ ready: false, error: 'ECONNREFUSED', clusterStatus: null, peers: null, watchdogFiring: false, watchdogState: null, receivers: 0, receiverNames: '' });
		expect(evaluateOutcome(rules, down)).toEqual({ status: 'fail', message: 'Alertmanager not ready: ECONNREFUSED' });
		fake.route('GET /-/ready', { status: 503, body: 'not ready' });
		expect(await observe({}, ctx(fake.url))).toMatchObject({ ready: false, error: 'HTTP 503' });
		fake.route('GET /-/ready', { body: 'OK' });
	});

	it('is an error when a ready Alertmanager answers badly (error)', async () => {
		fake.route('GET /api/v2/status', { status: 500, body: 'internal error' });
		expect((await probeError(observe({}, ctx(fake.url)))).message).toBe('Alertmanager /api/v2/status answered 500: internal error');
		fake.route('GET /api/v2/status', { json: status('ready', 3) });
		fake.route('GET /api/v2/alerts', { json: { alerts: [] } });
		expect((await probeError(observe({}, ctx(fake.url)))).message).toBe('Alertmanager /api/v2/alerts did not answer a list');
		fake.route('GET /api/v2/alerts', { json: [activeWatchdog] });
		expect((await probeError(observe({}, probeContext({})))).message).toBe('environment "test" has no alertmanager.url');
	});

	it('stops at the deadline when Alertmanager is slow', async () => {
		fake.route('GET /api/v2/alerts', { json: [activeWatchdog], delayMs: 10_000 });
		const started = performance.now();
		const err = await probeError(observe({}, ctx(fake.url, 300)));
		expect(performance.now() - started).toBeLessThan(1_500);
		expect(err.message).toBe('Alertmanager /api/v2/alerts: no answer before the deadline');
	});
});
