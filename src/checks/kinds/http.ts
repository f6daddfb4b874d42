import { z } from 'zod';
import { httpRequest, netOptions, NetworkError } from '../net.ts';
import { resolveSecretRefs } from '../secrets.ts';
import type { Kind, Observed, ProbeContext } from '../types.ts';

/** Headers whose values are credentials, whatever the config wrote in them. */
const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|private-token|coder-session-token)$/i;

/**
 * Marks the credentials among request headers as secrets of the probe: the whole value and the
 * credential after its scheme ("Bearer abc" → "abc").
 */
export function concealCredentials(headers: Record<string, string>, ctx: ProbeContext): void {
	for (const [name, value] of Object.entries(headers)) {
		if (!CREDENTIAL_HEADERS.test(name)) continue;
		ctx.conceal?.(value);
		const credential = /^\S+\s+(\S.*)$/.exec(value)?.[1];
		if (credential) ctx.conceal?.(credential);
	}
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
 * `error`/`phase` say what failed. Credentials sent in headers are redacted from what is returned
 * (by the runner, as every configured secret).
 *
 * Observed values:
 * - `status` (number | null): the HTTP status, null when no response came.
 * - `ok` (boolean): status is 2xx.
 * - `body` (string): the first 200 characters of the body, trimmed (cut after redaction).
 * - `json` (object | null): the parsed body when it is a JSON object or array, else null.
 * - `durationMs` (number): time to the full body, or to the failure.
 * - `error` (string | null): the network error code (ENOTFOUND, ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, ABORTED…).
 * - `phase` ("dns" | "connect" | "tls" | "http" | "timeout" | null): where the request failed.
 * - `bodyMatches` (boolean | null): whether the whole body matches `bodyPattern`; null without a pattern or a response.
 */
const http: Kind<z.output<typeof params>> = {
	name: 'http',
	params,
	limits: { body: 200 },
	async observe(p, ctx) {
		const headers = resolveSecretRefs(p.headers, ctx, 'header');
		concealCredentials(headers, ctx);
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
			return {
				status: res.status,
				ok: res.status >= 200 && res.status < 300,
				// Whole: the runner redacts it, then cuts it to `limits.body`.
				body: res.body,
				json: jsonObject(res.body),
				durationMs: Math.round(res.durationMs),
				error: null,
				phase: null,
				bodyMatches: p.bodyPattern === undefined ? null : new RegExp(p.bodyPattern).test(res.body),
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
