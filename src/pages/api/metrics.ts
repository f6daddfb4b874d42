import type { Registry } from 'prom-client';
import type { App } from '../../server/app.ts';
import { readerOf } from '../../server/authorize.ts';
import { endpoint, json } from '../../server/http.ts';
import { bearerMatches, metricsRegistry } from '../../server/metrics.ts';

export const prerender = false;

const anonymous = new WeakMap<App, Registry>();

/**
 * Prometheus exposition of the latest stored results. With HANDBOOK_METRICS_TOKEN set, only a
 * request with `Authorization: Bearer <token>` gets it (everything), anyone else a 401. Without
 * it, staff (any role) get everything and other readers the statuses, durations and ages of all
 * checks but observed values of public checks only, as in GET /api/runs/:id.
 */
export const GET = endpoint(async (app, context) => {
	const token = process.env.HANDBOOK_METRICS_TOKEN;
	let registry = app.metrics;
	if (token) {
		app.engine.redactor.add(token);
		if (!bearerMatches(context.request.headers.get('authorization'), token)) {
			return json({ error: 'the metrics need Authorization: Bearer <token>, the token set in HANDBOOK_METRICS_TOKEN' }, 401, { 'www-authenticate': 'Bearer realm="handbook metrics"' });
		}
	} else if (await readerOf(app, context) === 'anonymous') {
		registry = anonymous.get(app) ?? metricsRegistry(app.store, app.engine, { observedOnlyFor: (id) => app.engine.handbook.checks.get(id)?.access === 'public' });
		anonymous.set(app, registry);
	}
	return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } });
});
