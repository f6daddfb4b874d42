import { z } from 'zod';
import { httpRequest, netOptions, NetworkError, type HttpResponse } from '../net.ts';
import { ProbeError, type Kind, type ProbeContext } from '../types.ts';

export const params = z.strictObject({
	/** Logical name of the secret holding the virtual key; default the environment's `litellm.keySecret`. */
	keySecret: z.string().min(1).optional(),
});

interface KeyInfo {
	info?: {
		expires?: string | null;
		blocked?: boolean | null;
		key_alias?: string | null;
		spend?: number | null;
		max_budget?: number | null;
	};
}

interface LiteLlmError {
	error?: { message?: string; type?: string; code?: string };
	detail?: unknown;
}

const DAY_MS = 86_400_000;

function readSecret(ctx: ProbeContext, name: string): string {
	try {
		return ctx.secret(name);
	} catch (err) {
		throw new ProbeError(`LiteLLM key check: ${(err as Error).message}`);
	}
}

/** The ISO expiry in LiteLLM's "Expired Key. Key Expiry time <t> and current time <t>" message, if any. */
function expiryFromMessage(message: string): string | null {
	const m = /Expiry time\s+(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?)/i.exec(message);
	if (!m) return null;
	const parsed = Date.parse(m[1]!.replace(' ', 'T'));
	return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

/**
 * Reads a LiteLLM virtual key's record from `GET {litellm.url}/key/info`: when it expires, whether
 * it is blocked, and its alias. With `litellm.adminKeySecret` the admin key authenticates and the
 * key is passed as `?key=`; otherwise the key asks about itself. A key LiteLLM reports as expired
 * (type `expired_key`) is observed (`expired: true`, `daysLeft` ≤ 0); any other 401/403/404 is an
 * error that says which and whose credential was refused, never the key.
 *
 * Observed values:
 * - `expires` (string | null): expiry as ISO-8601, null when the key never expires (or the expiry is unknown).
 * - `daysLeft` (number | null): days until expiry, 2 decimals, negative when past; null when it never expires.
 * - `neverExpires` (boolean): LiteLLM has no expiry for the key.
 * - `expired` (boolean): the expiry is past.
 * - `blocked` (boolean): the key is blocked.
 * - `alias` (string | null): the key's alias (`key_alias`).
 * - `spend` (number | null), `maxBudget` (number | null): spend so far and the budget cap.
 */
const litellmKey: Kind<z.output<typeof params>> = {
	name: 'litellm-key',
	params,
	async observe(p, ctx) {
		const litellm = ctx.environment.litellm;
		if (!litellm) throw new ProbeError(`environment "${ctx.environment.id}" has no litellm section`);
		const keyName = p.keySecret ?? litellm.keySecret;
		const key = readSecret(ctx, keyName);
		const admin = litellm.adminKeySecret ? readSecret(ctx, litellm.adminKeySecret) : undefined;
		const who = admin ? `the admin key (secret "${litellm.adminKeySecret}")` : `the key (secret "${keyName}")`;
		const url = `${litellm.url.replace(/\/+$/, '')}/key/info${admin ? `?key=${encodeURIComponent(key)}` : ''}`;

		let res: HttpResponse;
		try {
			res = await httpRequest(url, { signal: ctx.signal, headers: { authorization: `Bearer ${admin ?? key}`, accept: 'application/json' } }, netOptions(ctx.environment));
		} catch (err) {
			// The URL carries the key when an admin asks: say only the host.
			if (err instanceof NetworkError) throw new ProbeError(`LiteLLM ${new URL(litellm.url).host}: ${err.code === 'ABORTED' ? 'no answer before the deadline' : err.code}`, { error: err.code });
			throw err;
		}
		let body: KeyInfo & LiteLlmError;
		try {
			body = JSON.parse(res.body) as KeyInfo & LiteLlmError;
		} catch {
			throw new ProbeError(`LiteLLM /key/info answered ${res.status} with a body that is not JSON`, { httpStatus: res.status });
		}
		const errorType = body.error?.type ?? null;
		const now = ctx.now().getTime();

		if (res.status !== 200 && errorType === 'expired_key') {
			// LiteLLM refuses an expired key with 400 (older) or 401 (newer); the expiry is in its message.
			const expires = expiryFromMessage(body.error?.message ?? '');
			const daysLeft = expires ? Math.min(0, Math.round(((Date.parse(expires) - now) / DAY_MS) * 100) / 100) : 0;
			return { expires, daysLeft, neverExpires: false, expired: true, blocked: false, alias: null, spend: null, maxBudget: null };
		}
		// LiteLLM's own messages may echo part of the key: only the status and type are repeated.
		if (res.status === 401) throw new ProbeError(`LiteLLM refused ${who} (401${errorType ? ` ${errorType}` : ''})`, { httpStatus: 401 });
		if (res.status === 403) throw new ProbeError(`LiteLLM denied ${who} access to this key's info (403${errorType ? ` ${errorType}` : ''}): use the admin key or the key itself`, { httpStatus: 403 });
		if (res.status === 404) throw new ProbeError(`LiteLLM does not know the key in secret "${keyName}" (404${errorType ? ` ${errorType}` : ''})`, { httpStatus: 404 });
		if (res.status !== 200) throw new ProbeError(`LiteLLM /key/info answered ${res.status}${errorType ? ` ${errorType}` : ''}`, { httpStatus: res.status });

		const info = body.info;
		if (!info || typeof info !== 'object') throw new ProbeError('LiteLLM /key/info answered without an "info" object');
		const raw = info.expires ?? null;
		const parsed = raw === null ? null : Date.parse(raw);
		if (parsed !== null && Number.isNaN(parsed)) throw new ProbeError(`LiteLLM /key/info gave an expiry that is not a date: ${JSON.stringify(raw)}`);
		const daysLeft = parsed === null ? null : Math.round(((parsed - now) / DAY_MS) * 100) / 100;
		return {
			expires: parsed === null ? null : new Date(parsed).toISOString(),
			daysLeft,
			neverExpires: parsed === null,
			expired: daysLeft !== null && daysLeft <= 0,
			blocked: info.blocked === true,
			alias: info.key_alias ?? null,
			spend: typeof info.spend === 'number' ? info.spend : null,
			maxBudget: typeof info.max_budget === 'number' ? info.max_budget : null,
		};
	},
};

export default litellmKey;
