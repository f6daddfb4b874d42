import { endpoint, json } from '../../server/http.ts';

export const prerender = false;

/** Liveness: the config loaded and the store answers. */
export const GET = endpoint((app) => {
	app.store.revision('');
	return json({ status: 'ok', checks: app.engine.handbook.checks.size, environments: [...app.engine.handbook.environments.keys()] });
});
