import { z } from 'zod';
import { httpRequest, netOptions, NetworkError, type HttpResponse } from '../net.ts';
import { excerpt } from '../redact.ts';
import { ProbeError, type Kind, type ProbeContext } from '../types.ts';
import { allSettledOrThrow } from '../settle.ts';

export const params = z.strictObject({
	/** The always-firing alert that proves the pipeline (kube-prometheus convention: "Watchdog"). */
	watchdog: z.string().min(1).default('Watchdog'),
});

interface AlertmanagerAlert {
	labels?: Record<string, string>;
	status?: { state?: string };
}

/**
 * Reads the environment's Alertmanager (`alertmanager.url`): readiness, cluster status, whether
 * the Watchdog alert is active (received from Prometheus and neither silenced nor inhibited), and
 * the configured receivers. Alertmanager unreachable or not ready is observed as `ready: false`
 * with `watchdogFiring: false` (the alerting path is broken: a fail, not an error); a bad answer
 * from a ready Alertmanager is an error.
 *
 * Observed values:
 * - `ready` (boolean): `/-/ready` answered 200.
 * - `error` (string | null): why not ready (network code such as ECONNREFUSED, or "HTTP 503").
 * - `clusterStatus` (string | null): `ready`, `settling` or `disabled` (single instance), from `/api/v2/status`.
 * - `peers` (number | null): cluster peers.
 * - `watchdogFiring` (boolean): an alert named `watchdog` is present with state `active`.
 * - `watchdogState` (string | null): its state (`active`, `suppressed`, `unprocessed`), null when absent.
 * - `receivers` (number): receivers configured. `receiverNames` (string): their names, comma-separated.
 */
const alertmanager: Kind<z.output<typeof params>> = {
	name: 'alertmanager',
	params,
	async observe(p, ctx) {
		const base = ctx.environment.alertmanager?.url?.replace(/\/+$/, '');
		if (!base) throw new ProbeError(`environment "${ctx.environment.id}" has no alertmanager.url`);
		const notReady = (error: string) => ({ ready: false, error, clusterStatus: null, peers: null, watchdogFiring: false, watchdogState: null, receivers: 0, receiverNames: '' });

		let ready: HttpResponse;
		try {
			ready = await httpRequest(`${base}/-/ready`, { signal: ctx.signal }, netOptions(ctx.environment));
		} catch (err) {
			if (err instanceof NetworkError && err.code !== 'ABORTED') return notReady(err.code);
			if (err instanceof NetworkError) throw new ProbeError('Alertmanager did not answer /-/ready before the deadline', { error: err.code });
			throw err;
		}
		if (ready.status !== 200) return notReady(`HTTP ${ready.status}`);

		const filter = encodeURIComponent(`alertname="${p.watchdog.replace(/["\\]/g, '\\$&')}"`);
		const [status, alerts, receivers] = await allSettledOrThrow([
			getJson<{ cluster?: { status?: string; peers?: unknown[] } }>(ctx, base, '/api/v2/status'),
			getJson<AlertmanagerAlert[]>(ctx, base, `/api/v2/alerts?filter=${filter}`),
			getJson<Array<{ name?: string }>>(ctx, base, '/api/v2/receivers'),
		]);
		if (!Array.isArray(alerts)) throw new ProbeError('Alertmanager /api/v2/alerts did not answer a list');
		if (!Array.isArray(receivers)) throw new ProbeError('Alertmanager /api/v2/receivers did not answer a list');
		const watchdog = alerts.filter((a) => a.labels?.alertname === p.watchdog);
		const active = watchdog.find((a) => a.status?.state === 'active');
		return {
			ready: true,
			error: null,
			clusterStatus: status.cluster?.status ?? null,
			peers: Array.isArray(status.cluster?.peers) ? status.cluster.peers.length : null,
			watchdogFiring: active !== undefined,
			watchdogState: (active ?? watchdog[0])?.status?.state ?? null,
			receivers: receivers.length,
			receiverNames: receivers.map((r) => r.name ?? '?').join(', '),
		};
	},
};

async function getJson<T>(ctx: ProbeContext, base: string, path: string): Promise<T> {
	let res: HttpResponse;
	try {
		res = await httpRequest(`${base}${path}`, { signal: ctx.signal, headers: { accept: 'application/json' } }, netOptions(ctx.environment));
	} catch (err) {
		if (err instanceof NetworkError) throw new ProbeError(`Alertmanager ${path.split('?')[0]}: ${err.code === 'ABORTED' ? 'no answer before the deadline' : err.message}`, { error: err.code });
		throw err;
	}
	const route = path.split('?')[0];
	if (res.status !== 200) throw new ProbeError(`Alertmanager ${route} answered ${res.status}: ${excerpt(res.body, 120)}`, { httpStatus: res.status });
	try {
		return JSON.parse(res.body) as T;
	} catch {
		throw new ProbeError(`Alertmanager ${route} answered with a body that is not JSON: ${excerpt(res.body, 120)}`);
	}
}

export default alertmanager;
