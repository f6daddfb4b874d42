import { defineMiddleware } from 'astro:middleware';
import { requestClient, siteUrl } from './server/client.ts';
import { withSecurityHeaders } from './server/headers.ts';

const mutations = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function refuse(status: number, error: string): Response {
	return new Response(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/**
 * Why a mutation of the API is refused, or null: a foreign or `null` Origin (whatever the content
 * type: SameSite cookies and the lack of a CORS preflight are not relied on), a browser saying the
 * request is cross-site, or a body that is not exactly application/json. Clients without a
 * browser (the CLI, curl) send no Origin and pass.
 */
export function refusal(request: Request, ownOrigin: string, site: URL): Response | null {
	const origin = request.headers.get('origin');
	if (origin !== null) {
		let from = 'null';
		try {
			from = new URL(origin).origin;
		} catch {
			// an unparsable Origin is as foreign as "null"
		}
		if (from !== ownOrigin && from !== site.origin) return refuse(403, `cross-site request refused: Origin ${origin.slice(0, 100)} is not this handbook`);
	}
	const fetchSite = request.headers.get('sec-fetch-site');
	if (fetchSite !== null && fetchSite !== 'same-origin' && fetchSite !== 'none') return refuse(403, `cross-site request refused (Sec-Fetch-Site: ${fetchSite.slice(0, 40)})`);
	const type = request.headers.get('content-type');
	const hasBody = Number(request.headers.get('content-length') ?? 0) > 0 || request.headers.has('transfer-encoding');
	const media = type?.split(';')[0]!.trim().toLowerCase();
	if ((type !== null || hasBody) && media !== 'application/json') return refuse(415, `send the body as application/json${type ? `, not ${type.slice(0, 80)}` : ''}`);
	return null;
}

/**
 * Runs for every on-demand route (the API, the calendar): refuses cross-site and non-JSON
 * mutations before any endpoint sees them, and puts the security headers on every answer
 * (scripts/serve.ts adds them to the prerendered pages and assets too).
 */
export const onRequest = defineMiddleware(async (context, next) => {
	const { pathname } = context.url;
	if (!context.isPrerendered && mutations.has(context.request.method) && pathname.startsWith('/api/')) {
		const client = requestClient(context);
		const host = context.request.headers.get('host') ?? context.url.host;
		const refused = refusal(context.request, `${client.https ? 'https' : 'http'}://${host}`, siteUrl());
		if (refused) {
			withSecurityHeaders(pathname, refused.headers);
			return refused;
		}
	}
	const response = await next();
	if (context.isPrerendered) return response;
	try {
		withSecurityHeaders(pathname, response.headers);
		return response;
	} catch {
		// Immutable headers (a redirect made by Astro, a fetched response): copy it.
		const copy = new Response(response.body, response);
		withSecurityHeaders(pathname, copy.headers);
		return copy;
	}
});
