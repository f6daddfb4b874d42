import { siteUrl } from '../../../server/client.ts';
import { endpoint } from '../../../server/http.ts';
import { RequestError } from '../../../server/runs.ts';
import { safeNextPath, signInProblemPage } from '../../../server/signin-page.ts';

export const prerender = false;

/** The cookie that ties the provider's answer to the sign-in this browser started (10 minutes). */
export const oidcCookie = 'handbook_oidc';

/**
 * Starts signing in through the identity provider: a 303 to its login page (authorization code
 * with PKCE, state and nonce), returning to `next` (a path of this site) afterwards.
 */
export const GET = endpoint(async (app, context) => {
	if (!app.oidc) throw new RequestError(404, 'sign-in through an identity provider is not configured (identity in handbook.config.ts)');
	const next = safeNextPath(context.url.searchParams.get('next'));
	let started;
	try {
		started = await app.oidc.start(new URL('/api/oidc/callback', siteUrl()).href, next);
	} catch (err) {
		app.log(`handbook: identity provider unreachable: ${(err as Error).message}`);
		return signInProblemPage({ status: 503, title: 'The identity provider cannot be reached', paragraphs: ['The handbook could not reach the team\'s identity provider. Try again in a minute; if it stays down, ask for an invite link (npx handbook invite) or use the break-glass token.'], next });
	}
	// Lax: the provider sends the browser back with a cross-site navigation.
	context.cookies.set(oidcCookie, started.key, { httpOnly: true, sameSite: 'lax', path: '/api/oidc/', secure: siteUrl().protocol === 'https:', maxAge: 600 });
	return context.redirect(started.url.href, 303);
});
