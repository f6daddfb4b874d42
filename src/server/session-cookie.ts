import type { APIContext } from 'astro';
import { sessionCookie } from './auth.ts';
import { requestClient, secureCookies } from './client.ts';

/**
 * Sets the session cookie: httpOnly, SameSite=Strict, 14 days; Secure whenever the client came
 * over https (as far as HANDBOOK_TRUST_PROXY lets us believe) or the site's configured URL is
 * https. The session also ends server-side when idle.
 */
export function setSessionCookie(context: APIContext, cookie: string): void {
	context.cookies.set(sessionCookie, cookie, { httpOnly: true, sameSite: 'strict', path: '/', secure: secureCookies(requestClient(context)), maxAge: 14 * 24 * 3600 });
}
