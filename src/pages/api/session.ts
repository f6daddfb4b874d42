import type { APIContext } from 'astro';
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { ONE_TIME_TOKEN_HOURS, sessionCookie } from '../../server/auth.ts';
import { requestClient } from '../../server/client.ts';
import { setSessionCookie } from '../../server/session-cookie.ts';
import { personOf } from '../../server/authorize.ts';
import { endpoint, json, readJson } from '../../server/http.ts';
import { checkPersonName, type Person } from '../../server/roles.ts';
import { RequestError } from '../../server/request-error.ts';
import { safeNextPath, signInProblemPage } from '../../server/signin-page.ts';

export const prerender = false;

/** Sign-in attempts, by link or by form, share one allowance per client. */
function takeAttempt(app: App, context: APIContext): Promise<number> {
	return app.limiter.take(`signin:${requestClient(context).address}`);
}

/**
 * What the pages learn of the signed-in person: `facilitator` is true for anyone signed in (the
 * pages' controls; the server checks each role), then their name, roles and how they signed in.
 */
function whoIs(person: Person | null, identityProvider: boolean) {
	return { ...(person ? { facilitator: true, signedIn: true, name: person.name, roles: person.roles, via: person.via } : { facilitator: false, signedIn: false, name: null, roles: [], via: null }), identityProvider };
}

/**
 * Who is signed in; or, with `?token=`, a one-time sign-in link (a person's invite, or the link
 * the server prints): signs in and returns to `next` (a path of this site). A wrong, used or
 * expired link gets a page saying what to do. The configured HANDBOOK_FACILITATOR_TOKEN is never
 * accepted here: only in a POST body.
 */
export const GET = endpoint(async (app, context) => {
	const token = context.url.searchParams.get('token');
	if (token === null) return json(whoIs(await personOf(app, context), app.oidc !== null));
	const next = safeNextPath(context.url.searchParams.get('next'));
	const retryAfter = await takeAttempt(app, context);
	if (retryAfter) {
		const page = signInProblemPage({ status: 429, title: 'Too many sign-in attempts', paragraphs: [`Too many sign-in attempts came from your address. Wait ${retryAfter} seconds, then open your sign-in link again.`], next });
		page.headers.set('retry-after', String(retryAfter));
		return page;
	}
	const signedIn = await app.auth.signIn(token, 'facilitator', 'link');
	if (!signedIn) {
		return signInProblemPage({
			status: 401,
			title: 'This sign-in link does not work any more',
			paragraphs: [
				`Each sign-in link works once, and for ${ONE_TIME_TOKEN_HOURS} hours. This one has already been used, has expired, or was copied incompletely.`,
				'What to do: ask the person who runs the handbook server for a new link (invited people get a personal one from npx handbook invite; the server prints a fresh operator link in its log each time one is used), or sign in with the facilitator token from the run bar of any checklist page.',
				'If you already signed in with this link a moment ago, you are signed in: just open the handbook.',
			],
			next,
		});
	}
	setSessionCookie(context, signedIn.cookie);
	return context.redirect(next, 303);
});

const signIn = z.strictObject({ token: z.string().min(1).max(512), name: z.string().trim().min(1).max(80).optional() });

/**
 * Break-glass sign-in with the shared token (every role, audited under "break-glass:<name>"):
 * sets an httpOnly, SameSite=Strict session cookie. A reserved name is refused.
 */
export const POST = endpoint(async (app, context) => {
	const body = await readJson(context.request, signIn);
	let name: string;
	try {
		name = checkPersonName(body.name ?? 'facilitator');
	} catch (err) {
		throw new RequestError(400, `name: ${(err as Error).message}`);
	}
	const retryAfter = await takeAttempt(app, context);
	if (retryAfter) throw new RequestError(429, `too many sign-in attempts; try again in ${retryAfter} s`, { retryAfter });
	const signedIn = await app.auth.signIn(body.token, name, 'form');
	if (!signedIn) throw new RequestError(401, 'wrong facilitator token');
	setSessionCookie(context, signedIn.cookie);
	return json(whoIs(signedIn.person, app.oidc !== null));
});

/** Sign out. */
export const DELETE = endpoint(async (app, context) => {
	const cookie = context.cookies.get(sessionCookie)?.value;
	if (cookie) await app.auth.signOut(cookie);
	context.cookies.delete(sessionCookie, { path: '/' });
	return json({ facilitator: false });
});
