import { sessionCookie } from '../../../server/auth.ts';
import { siteUrl } from '../../../server/client.ts';
import { endpoint, json } from '../../../server/http.ts';

export const prerender = false;

/**
 * Signs out here (the session ends on the server) and answers where to send the browser to end
 * the identity provider's session too (`endSession`, null when it has none or none is configured).
 */
export const POST = endpoint(async (app, context) => {
	const cookie = context.cookies.get(sessionCookie)?.value;
	if (cookie) await app.auth.signOut(cookie);
	context.cookies.delete(sessionCookie, { path: '/' });
	const endSession = app.oidc ? await app.oidc.endSessionUrl(new URL('/', siteUrl()).href).catch(() => null) : null;
	return json({ signedIn: false, endSession });
});
