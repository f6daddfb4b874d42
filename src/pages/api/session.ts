import type { APIContext } from 'astro';
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { ONE_TIME_TOKEN_HOURS, sessionCookie } from '../../server/auth.ts';
import { requestClient, secureCookies } from '../../server/client.ts';
import { endpoint, facilitatorOf, json, readJson } from '../../server/http.ts';
import { RequestError } from '../../server/runs.ts';
import { safeNextPath, signInProblemPage } from '../../server/signin-page.ts';

export const prerender = false;

function setSessionCookie(context: APIContext, cookie: string): void {
	// Secure whenever the client came over https (as far as HANDBOOK_TRUST_PROXY lets us believe)
	// or the site's configured URL is https. The session also ends server-side when idle.
	context.cookies.set(sessionCookie, cookie, { httpOnly: true, sameSite: 'strict', path: '/', secure: secureCookies(requestClient(context)), maxAge: 14 * 24 * 3600 });
}

/** Sign-in attempts, by link or by form, share one allowance per client. */
function takeAttempt(app: App, context: APIContext): Promise<number> {
	return app.limiter.take(`signin:${requestClient(context).address}`);
}

/**
 * Who is signed in; or, with `?token=`, the one-time sign-in link: signs in and returns to
 * `next` (a path of this site). A wrong, used or expired link gets a page saying what to do.
 * The configured HANDBOOK_FACILITATOR_TOKEN is never accepted here: only in a POST body.
 */
export const GET = endpoint(async (app, context) => {
	const token = context.url.searchParams.get('token');
	if (token === null) {
		const name = await facilitatorOf(app, context);
		return json({ facilitator: name !== null, name });
	}
	const next = safeNextPath(context.url.searchParams.get('next'));
	const retryAfter = await takeAttempt(app, context);
	if (retryAfter) {
		const page = signInProblemPage({ status: 429, title: 'Too many sign-in attempts', paragraphs: [`Too many sign-in attempts came from your address. Wait ${retryAfter} seconds, then open your sign-in link again.`], next });
		page.headers.set('retry-after', String(retryAfter));
		return page;
	}
	const cookie = await app.auth.signIn(token, 'facilitator', 'link');
	if (!cookie) {
		return signInProblemPage({
			status: 401,
			title: 'This sign-in link does not work any more',
			paragraphs: [
				`Each sign-in link works once, and for ${ONE_TIME_TOKEN_HOURS} hours. This one has already been used, has expired, or was copied incompletely.`,
				'What to do: ask the person who runs the handbook server for a new link (the server prints a fresh one in its log each time one is used), or sign in with the facilitator token from the run bar of any checklist page.',
				'If you already signed in with this link a moment ago, you are signed in: just open the handbook.',
			],
			next,
		});
	}
	setSessionCookie(context, cookie);
	return context.redirect(next, 303);
});

const signIn = z.strictObject({ token: z.string().min(1).max(512), name: z.string().trim().min(1).max(80).optional() });

/** Facilitator sign-in with the token: sets an httpOnly, SameSite=Strict session cookie. */
export const POST = endpoint(async (app, context) => {
	const body = await readJson(context.request, signIn);
	const retryAfter = await takeAttempt(app, context);
	if (retryAfter) throw Object.assign(new RequestError(429, `too many sign-in attempts; try again in ${retryAfter} s`), { retryAfter });
	const cookie = await app.auth.signIn(body.token, body.name ?? 'facilitator', 'form');
	if (!cookie) throw new RequestError(401, 'wrong facilitator token');
	setSessionCookie(context, cookie);
	return json({ facilitator: true, name: body.name ?? 'facilitator' });
});

/** Sign out. */
export const DELETE = endpoint(async (app, context) => {
	const cookie = context.cookies.get(sessionCookie)?.value;
	if (cookie) await app.auth.signOut(cookie);
	context.cookies.delete(sessionCookie, { path: '/' });
	return json({ facilitator: false });
});
