import { randomBytes } from 'node:crypto';
import type { APIContext } from 'astro';
import { z } from 'zod';
import { readJson } from './http.ts';
import { RequestError } from './request-error.ts';
import { validateBody, workshopKey } from './workshops.ts';

/** The cookie that tells one participant's browser from another (one feedback each, rate limits). */
export const participantCookie = 'handbook_participant';

/**
 * This browser's participant id: the cookie's value, or a new random one set on the response.
 * Only its hash is stored.
 */
export function participantKey(context: APIContext): string {
	const current = context.cookies.get(participantCookie)?.value;
	if (current && /^[A-Za-z0-9_-]{16,64}$/.test(current)) return current;
	const id = randomBytes(18).toString('base64url');
	context.cookies.set(participantCookie, id, { httpOnly: true, sameSite: 'lax', path: '/', secure: context.url.protocol === 'https:', maxAge: 60 * 24 * 3600 });
	return id;
}

/**
 * A loop endpoint's JSON body: `readJson`'s rules (JSON only, 16 KiB) and then the loop's own
 * (413 for a field over its size, 400 naming each bad field). `optional` accepts an empty body
 * as null.
 */
export async function readLoopBody<T>(request: Request, schema: z.ZodType<T>, options: { optional?: boolean } = {}): Promise<T> {
	if (options.optional && !request.headers.get('content-type') && (request.headers.get('content-length') ?? '0') === '0') return validateBody(null, schema);
	return validateBody(await readJson(request, z.unknown()), schema);
}

/** The `:month` of a path, or a 400 naming it. */
export function monthParam(context: APIContext): string {
	const month = workshopKey.safeParse(context.params.month);
	if (!month.success) throw new RequestError(400, `workshop: expected the month in the path, e.g. /api/workshops/2026-12/…, not "${context.params.month}"`);
	return month.data;
}
