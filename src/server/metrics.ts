import { Gauge, Registry } from 'prom-client';
import type { Engine } from '../checks/runner.ts';
import type { Store } from '../store/store.ts';

const statuses = ['pass', 'warn', 'fail', 'error', 'skipped'] as const;

/**
 * The Prometheus exposition of the latest stored results, built at scrape time: status (one
 * series per status, 1 for the current one), every numeric observed value, duration and age, so
 * a team can alert on, say, `handbook_check_observed{check="litellm-key-expiry",value="daysLeft"} < 7`.
 */
export function metricsRegistry(store: Store, engine: Engine): Registry {
	const registry = new Registry();
	const labels = ['check', 'environment', 'region'] as const;
	// `registers: []`: only this registry, never prom-client's global one, so a second app in the
	// same process (scripts/serve.ts checks the config before the server starts) does not clash.
	const registers: Registry[] = [];
	const observed = new Gauge({ registers, name: 'handbook_check_observed', help: 'Numeric values a check observed in its latest run.', labelNames: [...labels, 'value'] });
	const duration = new Gauge({ registers, name: 'handbook_check_duration_seconds', help: 'Duration of the latest run of a check.', labelNames: labels });
	const age = new Gauge({ registers, name: 'handbook_check_age_seconds', help: 'Seconds since the latest run of a check finished.', labelNames: labels });
	const lastRun = new Gauge({ registers, name: 'handbook_check_last_run_timestamp_seconds', help: 'Unix time the latest run of a check finished.', labelNames: labels });
	// prom-client serializes metrics in registration order: the first one refreshes them all.
	const status = new Gauge({
		registers,
		name: 'handbook_check_status',
		help: 'Latest status of a check (1 for the current status).',
		labelNames: [...labels, 'status'],
		collect() {
			for (const g of [this, observed, duration, age, lastRun]) g.reset();
			const now = Date.now();
			for (const r of store.latestResults()) {
				if (!engine.handbook.checks.has(r.checkId)) continue;
				const l = { check: r.checkId, environment: r.environment, region: r.region ?? '' };
				for (const s of statuses) this.set({ ...l, status: s }, r.status === s ? 1 : 0);
				for (const [name, v] of Object.entries(r.observed)) {
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
