import type { APIContext } from 'astro';
import type { z } from 'zod';
import { ConfigError } from '../checks/load-config.ts';
import { FrozenRunError, NotFoundError, StoreUnavailableError, StoreWriteError } from '../store/store.ts';
import { getApp, type App } from './app.ts';
import { sessionCookie } from './auth.ts';
import { authorize } from './authorize.ts';
import { RequestError } from './request-error.ts';

/** A JSON response; `no-store` because every answer is live state. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers } });
}

const maxBody = 16 * 1024;

/**
 * Reads and validates a JSON body: 415 unless the request says JSON (mutations are JSON only,
 * which together with the origin check keeps cross-site forms out), 413 over 16 KiB, 400 with
 * every invalid field.
 */
export async function readJson<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
	if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) throw new RequestError(415, 'send the body as application/json');
	const declared = Number(request.headers.get('content-length') ?? 0);
	if (declared > maxBody) throw new RequestError(413, `the body is larger than ${maxBody} bytes`);
	const reader = request.body?.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	while (reader) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.length;
		if (size > maxBody) {
			await reader.cancel();
			throw new RequestError(413, `the body is larger than ${maxBody} bytes`);
		}
		chunks.push(value);
	}
	let data: unknown;
	try {
		data = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
	} catch {
		throw new RequestError(400, 'the body is not valid JSON');
	}
	const parsed = schema.safeParse(data);
	if (!parsed.success) throw new RequestError(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
	return parsed.data;
}

/**
 * The signed-in facilitator's name, or a 401 (403 for a person without the facilitator role).
 * Endpoints name their action with `authorize` (src/server/authorize.ts) instead.
 */
export async function requireFacilitator(app: App, context: APIContext): Promise<string> {
	return (await authorize(app, context, 'run.work')).name;
}

/** The signed-in person's name, or null for a viewer. */
export function facilitatorOf(app: App, context: APIContext): Promise<string | null> {
	return app.auth.facilitator(context.cookies.get(sessionCookie)?.value);
}

/**
 * Wraps an endpoint: gets the app, maps known errors to their status with a JSON message, and
 * never lets an unexpected error leak a stack trace or a secret (500 with a generic message,
 * details in the redacted log).
 */
export function endpoint(handler: (app: App, context: APIContext) => Promise<Response> | Response) {
	return async (context: APIContext): Promise<Response> => {
		let app: App | undefined;
		try {
			app = await getApp();
			return await handler(app, context);
		} catch (err) {
			if (err instanceof RequestError) return json({ error: err.message }, err.status, err.status === 429 ? { 'retry-after': String(err.retryAfter ?? 60) } : {});
			if (err instanceof FrozenRunError) return json({ error: err.message }, 409);
			if (err instanceof NotFoundError) return json({ error: err.message }, 404);
			if (err instanceof StoreWriteError) {
				(app?.log ?? console.error)(`handbook: ${err.message}`);
				return json({ error: err.message }, err.reason === 'full' ? 507 : 503);
			}
			if (err instanceof ConfigError || err instanceof StoreUnavailableError) {
				console.error(err.message);
				return json({ error: err.message }, 503);
			}
			(app?.log ?? console.error)(`error in ${context.request.method} ${new URL(context.request.url).pathname}: ${(err as Error).stack ?? err}`);
			return json({ error: 'internal error; the server log has the details' }, 500);
		}
	};
}

/** A 429 carrying its Retry-After. */
export function tooManyRequests(retryAfter: number): RequestError {
	return new RequestError(429, `too many check runs from your address; try again in ${retryAfter} s`, { retryAfter });
}
