import { createHash, timingSafeEqual } from 'node:crypto';
import { Gauge, Registry } from 'prom-client';
import type { Engine } from '../checks/runner.ts';
import type { Store } from '../store/store.ts';

const statuses = ['pass', 'warn', 'fail', 'error', 'skipped'] as const;

/**
 * The Prometheus exposition of the latest stored results, built at scrape time: status (one
 * series per status, 1 for the current one), every numeric observed value, duration and age, so
 * a team can alert on, say, `handbook_check_observed{check="litellm-key-expiry",value="daysLeft"} < 7`.
 * With `observedOnlyFor`, observed values are exported only for the checks it accepts (the
 * anonymous exposition: public checks only); statuses, durations and ages always.
 */
export function metricsRegistry(store: Store, engine: Engine, options: { observedOnlyFor?: (checkId: string) => boolean } = {}): Registry {
	const registry = new Registry();
	const labels = ['check', 'environment', 'region'] as const;
	// `registers: []`: never prom-client's global registry, which every app in the process would share.
	const own = { registers: [] as Registry[] };
	// Each gauge's collect waits for one refresh of them all per scrape: prom-client collects the
	// gauges concurrently, and the store answers asynchronously.
	let refreshing: Promise<void> | undefined;
	const collect = () => (refreshing ??= refresh().finally(() => (refreshing = undefined)));
	const gauge = (name: string, help: string, labelNames: readonly string[]) => new Gauge({ name, help, labelNames, ...own, collect });
	const status = gauge('handbook_check_status', 'Latest status of a check (1 for the current status).', [...labels, 'status']);
	const observed = gauge('handbook_check_observed', 'Numeric values a check observed in its latest run.', [...labels, 'value']);
	const duration = gauge('handbook_check_duration_seconds', 'Duration of the latest run of a check.', labels);
	const age = gauge('handbook_check_age_seconds', 'Seconds since the latest run of a check finished.', labels);
	const lastRun = gauge('handbook_check_last_run_timestamp_seconds', 'Unix time the latest run of a check finished.', labels);
	async function refresh(): Promise<void> {
		const latest = await store.latestResults();
		for (const g of [status, observed, duration, age, lastRun]) g.reset();
		const now = Date.now();
		for (const r of latest) {
			if (!engine.handbook.checks.has(r.checkId)) continue;
			const l = { check: r.checkId, environment: r.environment, region: r.region ?? '' };
			for (const s of statuses) status.set({ ...l, status: s }, r.status === s ? 1 : 0);
			const showObserved = options.observedOnlyFor?.(r.checkId) ?? true;
			for (const [name, v] of showObserved ? Object.entries(r.observed) : []) {
				const n = typeof v === 'boolean' ? Number(v) : v;
				if (typeof n === 'number' && Number.isFinite(n)) observed.set({ ...l, value: name }, n);
			}
			if (r.durationMs !== null) duration.set(l, r.durationMs / 1000);
			const finished = Date.parse(r.finishedAt ?? '');
			if (finished) {
				age.set(l, Math.max(0, (now - finished) / 1000));
				lastRun.set(l, finished / 1000);
			}
		}
	}
	for (const g of [status, observed, duration, age, lastRun]) registry.registerMetric(g);
	return registry;
}

/**
 * Whether an `Authorization` header carries `Bearer <token>` (as Prometheus's `authorization`
 * scrape setting sends it), compared in constant time.
 */
export function bearerMatches(header: string | null, token: string): boolean {
	const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
	if (!m) return false;
	const digest = (s: string) => createHash('sha256').update(s).digest();
	return timingSafeEqual(digest(m[1]!), digest(token));
}
