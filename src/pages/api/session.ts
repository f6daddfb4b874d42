import { z } from 'zod';
import { sessionCookie } from '../../server/auth.ts';
import { endpoint, facilitatorOf, json, readJson } from '../../server/http.ts';
import { RequestError } from '../../server/runs.ts';

export const prerender = false;

const cookieOptions = (secure: boolean) => ({ httpOnly: true, sameSite: 'strict' as const, path: '/', secure, maxAge: 14 * 24 * 3600 });

/** Who is signed in. */
export const GET = endpoint((app, context) => {
	const token = context.url.searchParams.get('token');
	if (token !== null) {
		// The one-time sign-in link printed by the server: sign in, then go to the home page.
		const cookie = app.auth.signIn(token, 'facilitator');
		if (!cookie) return json({ error: 'this sign-in link is wrong or was already used; the server log prints a new one' }, 401);
		context.cookies.set(sessionCookie, cookie, cookieOptions(context.url.protocol === 'https:'));
		return context.redirect('/', 303);
	}
	const name = facilitatorOf(app, context);
	return json({ facilitator: name !== null, name });
});

const signIn = z.strictObject({ token: z.string().min(1).max(512), name: z.string().trim().min(1).max(80).optional() });

/** Facilitator sign-in with the token: sets an httpOnly, SameSite=Strict session cookie. */
export const POST = endpoint(async (app, context) => {
	const body = await readJson(context.request, signIn);
	const retryAfter = app.limiter.take(`signin:${context.clientAddress}`);
	if (retryAfter) throw new RequestError(429, `too many sign-in attempts; try again in ${retryAfter} s`);
	const cookie = app.auth.signIn(body.token, body.name ?? 'facilitator');
	if (!cookie) throw new RequestError(401, 'wrong facilitator token');
	context.cookies.set(sessionCookie, cookie, cookieOptions(context.url.protocol === 'https:'));
	return json({ facilitator: true, name: body.name ?? 'facilitator' });
});

/** Sign out. */
export const DELETE = endpoint((app, context) => {
	const cookie = context.cookies.get(sessionCookie)?.value;
	if (cookie) app.auth.signOut(cookie);
	context.cookies.delete(sessionCookie, { path: '/' });
	return json({ facilitator: false });
});
