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
	const observed = new Gauge({ name: 'handbook_check_observed', help: 'Numeric values a check observed in its latest run.', labelNames: [...labels, 'value'], ...own });
	const duration = new Gauge({ name: 'handbook_check_duration_seconds', help: 'Duration of the latest run of a check.', labelNames: labels, ...own });
	const age = new Gauge({ name: 'handbook_check_age_seconds', help: 'Seconds since the latest run of a check finished.', labelNames: labels, ...own });
	const lastRun = new Gauge({ name: 'handbook_check_last_run_timestamp_seconds', help: 'Unix time the latest run of a check finished.', labelNames: labels, ...own });
	// prom-client serializes metrics in registration order: the first one refreshes them all.
	const status = new Gauge({
		name: 'handbook_check_status',
		help: 'Latest status of a check (1 for the current status).',
		labelNames: [...labels, 'status'],
		...own,
		async collect() {
			for (const g of [this, observed, duration, age, lastRun]) g.reset();
			const now = Date.now();
			for (const r of await store.latestResults()) {
				if (!engine.handbook.checks.has(r.checkId)) continue;
				const l = { check: r.checkId, environment: r.environment, region: r.region ?? '' };
				for (const s of statuses) this.set({ ...l, status: s }, r.status === s ? 1 : 0);
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
		},
	});
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
