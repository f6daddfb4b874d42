import { endpoint, json } from '../../server/http.ts';

export const prerender = false;

/**
 * What the participants' browser self-checks need: the platform's public address (the Coder
 * access URL of the default environment, or its first region), the handbook's WebSocket echo and,
 * where the environment configures one (`selfCheck.websocket`), a WebSocket URL of the platform.
 * Taken from the server's config, never from the request.
 */
export const GET = endpoint((app) => {
	const env = app.engine.environment(undefined);
	const region = env.regions[0]!;
	const url = new URL(env.coder?.url ?? `https://${region.host}${region.port ? `:${region.port}` : ''}`);
	return json({
		platform: { title: url.host, url: url.origin, healthz: new URL('/healthz', url).href, websocket: env.selfCheck?.websocket ?? null },
		echo: '/api/echo',
	});
});
