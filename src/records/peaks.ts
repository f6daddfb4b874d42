import type { EnvironmentConfig } from '../checks/config.ts';
import { httpRequest, netOptions, NetworkError } from '../checks/net.ts';
import type { MetricId } from './metrics.ts';

/**
 * Reads the workshop's peaks from the environment's Prometheus over the workshop window: the
 * same series the workshop-day checks watch (concurrent workspaces, builds, node storage) plus
 * node CPU and memory. A series Prometheus does not have gives null, never a guess.
 */

/** How one retrospective metric is read: a range query reduced to its max or mean, or an instant query at the window's end. */
export interface PeakQuery {
	metric: MetricId;
	/** PromQL; `$window` becomes the window length, e.g. "5400s". */
	query: string;
	read: 'max' | 'avg' | 'at-end';
}

const storageUse = '(1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs",mountpoint="/"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs",mountpoint="/"}) * 100';

export const peakQueries: readonly PeakQuery[] = [
	{ metric: 'peakConcurrentWorkspaces', query: 'sum(coderd_api_workspace_latest_build{status="running"})', read: 'max' },
	{ metric: 'averageConcurrentWorkspaces', query: 'sum(coderd_api_workspace_latest_build{status="running"})', read: 'avg' },
	{ metric: 'peakStoragePercent', query: `max(${storageUse})`, read: 'max' },
	{ metric: 'peakCpuPercent', query: '(1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))) * 100', read: 'max' },
	{ metric: 'peakMemoryPercent', query: '(1 - sum(node_memory_MemAvailable_bytes) / sum(node_memory_MemTotal_bytes)) * 100', read: 'max' },
	// No clamp: without any build the ratio is NaN, read as unknown rather than "0 % failed".
	{ metric: 'failureRatePercent', query: 'sum(increase(coderd_workspace_builds_total{status="failed"}[$window])) / sum(increase(coderd_workspace_builds_total[$window])) * 100', read: 'at-end' },
];

export interface Peaks {
	values: Partial<Record<MetricId, number | null>>;
	/** The query behind each value, for the page's record of where numbers came from. */
	queries: Partial<Record<MetricId, string>>;
	/** Queries that failed, with why (the rest still count). */
	errors: string[];
}

type Sample = [number, string];

async function api<T>(env: EnvironmentConfig, path: string, signal: AbortSignal): Promise<T> {
	const url = `${env.prometheus!.url.replace(/\/+$/, '')}${path}`;
	let res;
	try {
		res = await httpRequest(url, { signal, headers: { accept: 'application/json' }, maxBodyBytes: 16 << 20 }, netOptions(env));
	} catch (err) {
		throw new Error(err instanceof NetworkError ? `Prometheus is unreachable: ${err.message}` : (err as Error).message);
	}
	let body: { status?: string; data?: T; error?: string };
	try {
		body = JSON.parse(res.body);
	} catch {
		throw new Error(`Prometheus answered ${res.status} with a body that is not JSON`);
	}
	if (res.status !== 200 || body.status !== 'success' || body.data === undefined) throw new Error(`Prometheus answered ${res.status}: ${body.error ?? 'no data'}`);
	return body.data;
}

const finite = (raw: string | undefined) => {
	const n = raw === undefined ? Number.NaN : Number(raw);
	return Number.isFinite(n) ? n : null;
};

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * The peaks over `[start, end]` from the environment's Prometheus; every value null when the
 * environment has none. Range queries use a step of at least 15 s (about 300 points).
 *
 * @example
 * await workshopPeaks(env, new Date('2026-12-01T16:00Z'), new Date('2026-12-01T17:30Z'))
 * // → { values: { peakConcurrentWorkspaces: 14, peakStoragePercent: 63.2, peakCpuPercent: null, … }, … }
 */
export async function workshopPeaks(env: EnvironmentConfig, start: Date, end: Date, options: { timeoutMs?: number; queries?: readonly PeakQuery[] } = {}): Promise<Peaks> {
	const queries = options.queries ?? peakQueries;
	const out: Peaks = { values: {}, queries: {}, errors: [] };
	if (!env.prometheus) return out;
	const seconds = Math.max(60, Math.round((end.getTime() - start.getTime()) / 1000));
	const step = Math.max(15, Math.ceil(seconds / 300));
	const signal = AbortSignal.timeout(options.timeoutMs ?? 20_000);
	const t = (d: Date) => (d.getTime() / 1000).toFixed(3);
	await Promise.all(
		queries.map(async (q) => {
			const query = q.query.replaceAll('$window', `${seconds}s`);
			out.queries[q.metric] = query;
			try {
				let values: number[];
				if (q.read === 'at-end') {
					const data = await api<{ result: Array<{ value?: Sample }> }>(env, `/api/v1/query?query=${encodeURIComponent(query)}&time=${t(end)}`, signal);
					values = data.result.map((r) => finite(r.value?.[1])).filter((v): v is number => v !== null);
				} else {
					const data = await api<{ result: Array<{ values?: Sample[] }> }>(env, `/api/v1/query_range?query=${encodeURIComponent(query)}&start=${t(start)}&end=${t(end)}&step=${step}`, signal);
					values = data.result.flatMap((r) => (r.values ?? []).map((s) => finite(s[1]))).filter((v): v is number => v !== null);
				}
				if (!values.length) out.values[q.metric] = null;
				else if (q.read === 'avg') out.values[q.metric] = round(values.reduce((a, b) => a + b, 0) / values.length);
				else out.values[q.metric] = round(Math.max(...values));
			} catch (err) {
				out.values[q.metric] = null;
				out.errors.push(`${q.metric}: ${(err as Error).message}`);
			}
		}),
	);
	return out;
}
