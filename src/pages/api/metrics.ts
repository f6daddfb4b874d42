import { endpoint } from '../../server/http.ts';

export const prerender = false;

/** Prometheus exposition of the latest stored results. */
export const GET = endpoint(async (app) => {
	return new Response(await app.metrics.metrics(), { headers: { 'content-type': app.metrics.contentType, 'cache-control': 'no-store' } });
});
