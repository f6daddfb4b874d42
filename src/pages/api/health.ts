import { endpoint, json } from '../../server/http.ts';
import { draining } from '../../server/lifecycle.ts';

export const prerender = false;

/**
 * Liveness: the config loaded and the store answers. With `?ready`, readiness for a load
 * balancer: 503 while the process drains on shutdown or when the store cannot be read.
 */
export const GET = endpoint(async (app, context) => {
	if (context.url.searchParams.has('ready')) {
		if (draining()) return json({ status: 'draining', error: 'the handbook is shutting down' }, 503, { 'retry-after': '5' });
		try {
			await app.store.revision('');
		} catch (err) {
			return json({ status: 'unavailable', error: `the store cannot be read: ${(err as Error).message}` }, 503, { 'retry-after': '5' });
		}
		return json({ status: 'ready' });
	}
	await app.store.revision('');
	return json({ status: 'ok', checks: app.engine.handbook.checks.size, environments: [...app.engine.handbook.environments.keys()] });
});
