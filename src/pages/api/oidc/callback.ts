import { siteUrl } from '../../../server/client.ts';
import { endpoint } from '../../../server/http.ts';
import { RequestError } from '../../../server/request-error.ts';
import { setSessionCookie } from '../../../server/session-cookie.ts';
import { signInProblemPage } from '../../../server/signin-page.ts';
import { oidcCookie } from './login.ts';

export const prerender = false;

/**
 * Where the identity provider returns: exchanges the code (once, with the PKCE verifier), checks
 * the ID token (issuer, audience, nonce) and the state, and signs the person in with the roles
 * their groups map to. A person whose groups map to no role stays a viewer and is told why.
 */
export const GET = endpoint(async (app, context) => {
	if (!app.oidc) throw new RequestError(404, 'sign-in through an identity provider is not configured');
	const key = context.cookies.get(oidcCookie)?.value;
	context.cookies.delete(oidcCookie, { path: '/api/oidc/' });
	const callback = new URL(`/api/oidc/callback${context.url.search}`, siteUrl());
	let result;
	try {
		result = await app.oidc.finish(key, callback, app.auth.people);
	} catch (err) {
		// openid-client's message is general ("unexpected JWT claim value encountered"); its cause names the claim.
		const cause = (err as { cause?: unknown }).cause;
		if (cause instanceof Error && cause.message !== (err as Error).message) (err as Error).message += ` (${cause.message})`;
		app.log(`handbook: identity provider sign-in refused: ${(err as Error).message}`);
		return signInProblemPage({
			status: 400,
			title: 'Sign-in did not complete',
			paragraphs: [`The identity provider's answer was refused: ${(err as Error).message}.`, 'Start again from the Sign in button; a sign-in link or a back button replays an answer that works only once.'],
		});
	}
	if ('viewer' in result) {
		const mapped = Object.keys(app.oidc.config.roles);
		return signInProblemPage({
			status: 403,
			title: 'You can read the handbook, but not change runs',
			paragraphs: [
				`The identity provider says you are ${result.viewer.name}, in ${result.viewer.groups.length ? `the groups ${result.viewer.groups.join(', ')}` : 'no groups'}. None of them gives a role in the handbook, so you stay a viewer: you can read every page and run, but not start runs, tick items, handle incidents or sign off.`,
				`The groups that give a role are: ${mapped.join(', ')}. Ask your lead to add you to one of them, or for an invite link.`,
			],
			next: result.next,
		});
	}
	setSessionCookie(context, await app.auth.signInAs(result.person));
	return context.redirect(result.next, 303);
});
