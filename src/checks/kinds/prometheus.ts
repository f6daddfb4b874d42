import { z } from 'zod';
import { httpRequest, netOptions, NetworkError, type HttpResponse } from '../net.ts';
import { excerpt } from '../redact.ts';
import { ProbeError, type Kind, type Observed, type ProbeContext } from '../types.ts';

const queryParams = z.strictObject({
	mode: z.literal('query'),
	/** An instant PromQL query, e.g. `max by (instance) (…) * 100`. */
	query: z.string().min(1),
	/** The label that names a series in `maxSeries` and `series`. */
	label: z.string().min(1).default('instance'),
});
const readyParams = z.strictObject({ mode: z.literal('ready') });
const rulesParams = z.strictObject({
	mode: z.literal('rules'),
	/** Alert names that must exist as alerting rules. */
	alerts: z.array(z.string().min(1)).min(1, { error: 'name at least one alert that must exist' }),
});

export const params = z.discriminatedUnion('mode', [queryParams, readyParams, rulesParams]);
type Params = z.output<typeof params>;

/** At most this many series are listed in `series`. */
const MAX_LISTED_SERIES = 20;

interface ApiAnswer<T> {
	status?: string;
	data?: T;
	errorType?: string;
	error?: string;
}

type Sample = [number, string];
interface VectorItem {
	metric?: Record<string, string>;
	value?: Sample;
}

function prometheusUrl(ctx: ProbeContext): string {
	const url = ctx.environment.prometheus?.url;
	if (!url) throw new ProbeError(`environment "${ctx.environment.id}" has no prometheus.url`);
	return url.replace(/\/+$/, '');
}

/** One GET against Prometheus; network failures and the deadline become a ProbeError. */
async function get(ctx: ProbeContext, path: string): Promise<HttpResponse> {
	const url = `${prometheusUrl(ctx)}${path}`;
	try {
		return await httpRequest(url, { signal: ctx.signal, headers: { accept: 'application/json' } }, netOptions(ctx.environment));
	} catch (err) {
		if (err instanceof NetworkError) throw new ProbeError(`Prometheus ${err.code === 'ABORTED' ? 'did not answer before the deadline' : `is unreachable: ${err.message}`}`, { error: err.code });
		throw err;
	}
}

/** Parses a `{status, data}` answer; a Prometheus error (bad_data, timeout…) or a non-JSON body is a ProbeError. */
function answer<T>(res: HttpResponse, what: string): T {
	let body: ApiAnswer<T>;
	try {
		body = JSON.parse(res.body) as ApiAnswer<T>;
	} catch {
		throw new ProbeError(`Prometheus ${what} answered ${res.status} with a body that is not JSON: ${excerpt(res.body, 120)}`, { httpStatus: res.status });
	}
	if (res.status !== 200 || body.status !== 'success' || body.data === undefined) {
		const reason = body.error ? `${body.errorType ?? 'error'}: ${body.error}` : 'no data';
		throw new ProbeError(`Prometheus ${what} failed (${res.status} ${reason})`, { httpStatus: res.status, errorType: body.errorType ?? null });
	}
	return body.data;
}

function round(n: number, digits = 2): number {
	const f = 10 ** digits;
	return Math.round(n * f) / f;
}

/** How a series is named: its `label`, else its other labels, else "{}" (e.g. a scalar). */
function seriesName(metric: Record<string, string> = {}, label: string): string {
	if (metric[label] !== undefined) return metric[label];
	const rest = Object.entries(metric).filter(([k]) => k !== '__name__');
	if (rest.length) return rest.map(([k, v]) => `${k}=${v}`).join(',');
	return metric.__name__ ?? '{}';
}

async function observeQuery(p: z.output<typeof queryParams>, ctx: ProbeContext): Promise<Observed> {
	const res = await get(ctx, `/api/v1/query?query=${encodeURIComponent(p.query)}`);
	const data = answer<{ resultType: string; result: unknown }>(res, `query ${JSON.stringify(p.query)}`);
	let items: VectorItem[];
	if (data.resultType === 'vector') items = data.result as VectorItem[];
	else if (data.resultType === 'scalar') items = [{ metric: {}, value: data.result as Sample }];
	else throw new ProbeError(`Prometheus query ${JSON.stringify(p.query)} returned a ${data.resultType}, not an instant vector or scalar (wrap a range selector in a function such as max_over_time)`);

	const series = items.map((item) => {
		const name = seriesName(item.metric, p.label);
		const raw = item.value?.[1];
		const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
		// NaN and ±Inf (e.g. a division by zero) cannot be compared or shown: the query needs fixing.
		if (!Number.isFinite(value)) throw new ProbeError(`Prometheus query ${JSON.stringify(p.query)} gave series ${name} the value ${JSON.stringify(raw ?? null)}, which is not a finite number`);
		return { name, value };
	});
	const sorted = [...series].sort((a, b) => b.value - a.value);
	const values = series.map((s) => s.value);
	return {
		count: series.length,
		max: series.length ? round(Math.max(...values), 6) : null,
		min: series.length ? round(Math.min(...values), 6) : null,
		sum: round(values.reduce((a, b) => a + b, 0), 6),
		value: series.length ? round(series[0]!.value, 6) : null,
		maxSeries: sorted[0]?.name ?? null,
		series: sorted.slice(0, MAX_LISTED_SERIES).map((s) => `${s.name}=${round(s.value)}`).join(', '),
	};
}

interface Target {
	health?: string;
	labels?: Record<string, string>;
	scrapeUrl?: string;
	lastError?: string;
}

async function observeReady(ctx: ProbeContext): Promise<Observed> {
	let ready: HttpResponse;
	try {
		ready = await httpRequest(`${prometheusUrl(ctx)}/-/ready`, { signal: ctx.signal }, netOptions(ctx.environment));
	} catch (err) {
		// Prometheus down is the thing this mode looks for; only our own deadline is an error.
		if (err instanceof NetworkError && err.code !== 'ABORTED') return { ready: false, error: err.code, targetsUp: null, targetsDown: null, targetsUnknown: null, downTargets: '' };
		if (err instanceof NetworkError) throw new ProbeError('Prometheus did not answer /-/ready before the deadline', { error: err.code });
		throw err;
	}
	if (ready.status !== 200) return { ready: false, error: `HTTP ${ready.status}`, targetsUp: null, targetsDown: null, targetsUnknown: null, downTargets: '' };
	const data = answer<{ activeTargets?: Target[] }>(await get(ctx, '/api/v1/targets?state=active'), 'targets');
	if (!Array.isArray(data.activeTargets)) throw new ProbeError('Prometheus targets answer has no activeTargets list');
	const down = data.activeTargets.filter((t) => t.health === 'down');
	return {
		ready: true,
		error: null,
		targetsUp: data.activeTargets.filter((t) => t.health === 'up').length,
		targetsDown: down.length,
		// Targets not scraped yet since a restart are "unknown": neither up nor down.
		targetsUnknown: data.activeTargets.filter((t) => t.health !== 'up' && t.health !== 'down').length,
		downTargets: down.map((t) => `${t.labels?.job ?? '?'}/${t.labels?.instance ?? t.scrapeUrl ?? '?'}`).join(', '),
	};
}

interface Rule {
	name?: string;
	type?: string;
	health?: string;
}

async function observeRules(p: z.output<typeof rulesParams>, ctx: ProbeContext): Promise<Observed> {
	const data = answer<{ groups?: Array<{ rules?: Rule[] }> }>(await get(ctx, '/api/v1/rules?type=alert'), 'rules');
	if (!Array.isArray(data.groups)) throw new ProbeError('Prometheus rules answer has no groups list');
	const rules = data.groups.flatMap((g) => g.rules ?? []).filter((r) => r.type === undefined || r.type === 'alerting');
	const names = new Set(rules.map((r) => r.name));
	const wanted = [...new Set(p.alerts)];
	const missing = wanted.filter((a) => !names.has(a));
	const unhealthy = [...new Set(rules.filter((r) => r.health && r.health !== 'ok' && wanted.includes(r.name ?? '')).map((r) => r.name))];
	return {
		present: wanted.length - missing.length,
		missing: missing.length,
		missingAlerts: missing.join(', '),
		alertRules: rules.length,
		unhealthyAlerts: unhealthy.join(', '),
	};
}

/**
 * Asks the environment's Prometheus (`prometheus.url`) one of three things, by `mode`.
 * `query` runs an instant PromQL query and summarises the series it returns (a value that is NaN,
 * ±Inf or not a number, a bad query or a range vector is an error: the query must be fixed);
 * `ready` reads `/-/ready` and the scrape targets (Prometheus unreachable or not ready is
 * observed as `ready: false`, not an error); `rules` reads the alerting rules and says which of
 * the named alerts are missing.
 *
 * Observed values, mode `query`:
 * - `count` (number): series returned.
 * - `max`, `min` (number | null): largest and smallest value; null without series.
 * - `sum` (number): sum of the values (0 without series).
 * - `value` (number | null): the first series' value (a scalar's value), null without series.
 * - `maxSeries` (string | null): the `label` of the series with the largest value.
 * - `series` (string): "name=value, …" sorted by value, largest first, at most 20, values rounded to 2 decimals.
 *
 * Mode `ready`:
 * - `ready` (boolean): `/-/ready` answered 200.
 * - `error` (string | null): why not ready (network code such as ECONNREFUSED, or "HTTP 503").
 * - `targetsUp`, `targetsDown`, `targetsUnknown` (number | null): active scrape targets by health; null when not ready.
 * - `downTargets` (string): "job/instance, …" of the targets that are down.
 *
 * Mode `rules`:
 * - `present` (number): named alerts that exist. `missing` (number): named alerts that do not.
 * - `missingAlerts` (string): the missing names, comma-separated.
 * - `alertRules` (number): alerting rules loaded in total.
 * - `unhealthyAlerts` (string): named alerts whose rule evaluation fails (health not "ok").
 */
const prometheus: Kind<Params> = {
	name: 'prometheus',
	params,
	async observe(p, ctx) {
		if (p.mode === 'query') return observeQuery(p, ctx);
		if (p.mode === 'ready') return observeReady(ctx);
		return observeRules(p, ctx);
	},
};

export default prometheus;
