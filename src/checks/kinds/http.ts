import { z } from 'zod';
import { httpRequest, netOptions, NetworkError } from '../net.ts';
import { ProbeError, type Kind, type Observed, type ProbeContext } from '../types.ts';

const SECRET_REF = /^secret:(.+)$/;

/**
 * Replaces `secret:NAME` values with `ctx.secret(NAME)`, and returns the secret values used so
 * that whatever comes back (a body, a program's output) can be redacted of them.
 *
 * @example
 * const { values, secrets } = resolveSecretRefs({ authorization: 'secret:coderToken' }, ctx, 'header');
 */
export function resolveSecretRefs(refs: Record<string, string> | undefined, ctx: ProbeContext, what: string): { values: Record<string, string>; secrets: string[] } {
	const values: Record<string, string> = {};
	const secrets: string[] = [];
	for (const [key, value] of Object.entries(refs ?? {})) {
		const ref = SECRET_REF.exec(value);
		if (!ref) {
			values[key] = value;
			continue;
		}
		try {
			values[key] = ctx.secret(ref[1]!);
		} catch (err) {
			throw new ProbeError(`${what} ${key}: ${(err as Error).message}`);
		}
		if (values[key]) secrets.push(values[key]);
	}
	return { values, secrets };
}

/** Removes every secret value from a string, or from the strings inside a JSON value. */
export function redactSecrets<T>(value: T, secrets: string[]): T {
	if (!secrets.length) return value;
	if (typeof value === 'string') return secrets.reduce((s, secret) => s.split(secret).join('[redacted]'), value as string) as T;
	if (Array.isArray(value)) return value.map((v) => redactSecrets(v, secrets)) as T;
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactSecrets(k, secrets), redactSecrets(v, secrets)])) as T;
	}
	return value;
}

function isRegExp(source: string): boolean {
	try {
		new RegExp(source);
		return true;
	} catch {
		return false;
	}
}

export const params = z.strictObject({
	url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL such as "https://ai.coder.com/healthz"' }),
	method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
	/** Request headers; a value `secret:NAME` sends the secret NAME (never shown). */
	headers: z.record(z.string(), z.string()).optional(),
	/** A regular expression the body should match (observed as `bodyMatches`). */
	bodyPattern: z.string().refine(isRegExp, { error: 'must be a valid regular expression' }).optional(),
});

/** Bodies beyond this are cut: enough for a health answer or an error page. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * One HTTP(S) request over the environment's resolvers and CA, stopped at the deadline. Network
 * failures (DNS, refused, TLS, deadline) are observations, not errors: `status` is null and
 * `error`/`phase` say what failed. Secrets sent in headers are redacted from what is returned.
 *
 * Observed values:
 * - `status` (number | null): the HTTP status, null when no response came.
 * - `ok` (boolean): status is 2xx.
 * - `body` (string): the first 200 characters of the body, trimmed.
 * - `json` (object | null): the parsed body when it is a JSON object or array, else null.
 * - `durationMs` (number): time to the full body, or to the failure.
 * - `error` (string | null): the network error code (ENOTFOUND, ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, ABORTED…).
 * - `phase` ("dns" | "connect" | "tls" | "http" | "timeout" | null): where the request failed.
 * - `bodyMatches` (boolean | null): whether the whole body matches `bodyPattern`; null without a pattern or a response.
 */
const http: Kind<z.output<typeof params>> = {
	name: 'http',
	params,
	async observe(p, ctx) {
		const { values: headers, secrets } = resolveSecretRefs(p.headers, ctx, 'header');
		const net = netOptions(ctx.environment);
		const started = performance.now();
		let onAbort = () => {};
		// undici does not give up a connection still in its TLS handshake when the request is
		// aborted; the race makes the probe itself end at the deadline all the same.
		const deadline = new Promise<never>((_, reject) => {
			onAbort = () => reject(new NetworkError('ABORTED', `${new URL(p.url).host}: stopped at the deadline`));
			if (ctx.signal.aborted) onAbort();
			else ctx.signal.addEventListener('abort', onAbort, { once: true });
		});
		try {
			const request = httpRequest(p.url, { method: p.method, headers, signal: ctx.signal, maxBodyBytes: MAX_BODY_BYTES }, net);
			request.catch(() => {}); // settled after the race when the deadline won
			const res = await Promise.race([request, deadline]);
			const fullBody = redactSecrets(res.body, secrets);
			return {
				status: res.status,
				ok: res.status >= 200 && res.status < 300,
				body: fullBody.trim().slice(0, 200).trim(),
				json: jsonObject(fullBody),
				durationMs: Math.round(res.durationMs),
				error: null,
				phase: null,
				bodyMatches: p.bodyPattern === undefined ? null : new RegExp(p.bodyPattern).test(fullBody),
			} satisfies Observed;
		} catch (err) {
			if (!(err instanceof NetworkError)) throw err;
			return {
				status: null,
				ok: false,
				body: '',
				json: null,
				durationMs: Math.round(performance.now() - started),
				error: err.code,
				phase: err.phase,
				bodyMatches: null,
			} satisfies Observed;
		} finally {
			ctx.signal.removeEventListener('abort', onAbort);
		}
	},
};

function jsonObject(body: string): object | null {
	const text = body.trim();
	if (!text.startsWith('{') && !text.startsWith('[')) return null;
	try {
		const value: unknown = JSON.parse(text);
		return value && typeof value === 'object' ? value : null;
	} catch {
		return null;
	}
}

export default http;
