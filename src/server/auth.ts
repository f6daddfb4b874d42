import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256, type Store } from '../store/store.ts';

export const sessionCookie = 'handbook_session';

/** Compares two secrets in constant time. */
function sameSecret(a: string, b: string): boolean {
	const x = Buffer.from(sha256(a));
	const y = Buffer.from(sha256(b));
	return timingSafeEqual(x, y);
}

/** How a sign-in token arrived: a link (GET, which browsers and proxies log) or a form (POST body). */
export type SignInVia = 'link' | 'form';

/** How long a one-time sign-in link stays valid. */
export const ONE_TIME_TOKEN_HOURS = 24;

/** Hours a session may go unused before it ends: HANDBOOK_SESSION_IDLE_HOURS, default 12. */
export function sessionIdleHours(value: string | undefined = process.env.HANDBOOK_SESSION_IDLE_HOURS): number {
	if (value === undefined || value.trim() === '') return 12;
	const hours = Number(value);
	if (!Number.isFinite(hours) || hours <= 0) throw new Error(`HANDBOOK_SESSION_IDLE_HOURS="${value}" is not a positive number of hours, e.g. 12`);
	return hours;
}

/**
 * Facilitator sign-in. The token comes from HANDBOOK_FACILITATOR_TOKEN, accepted only in a POST
 * body (a URL ends up in browser history and proxy logs). Links carry one-time tokens only
 * (only their hash is stored; valid 24 h, used once, replaced by a new one when used): without
 * a configured token the server prints one at start, as Jupyter does. A session ends after 14
 * days, or after HANDBOOK_SESSION_IDLE_HOURS (default 12) without use.
 */
export class Auth {
	#store: Store;
	#configured: string | undefined;
	#idleMs: number;
	#now: () => Date;
	/** Called with a freshly generated one-time token (print it as a sign-in URL). */
	onNewToken: (token: string) => void = () => {};

	constructor(store: Store, options: { configuredToken?: string; idleHours?: number; now?: () => Date } = {}) {
		this.#store = store;
		this.#configured = (options.configuredToken ?? process.env.HANDBOOK_FACILITATOR_TOKEN) || undefined;
		this.#idleMs = (options.idleHours ?? sessionIdleHours()) * 3_600_000;
		this.#now = options.now ?? (() => new Date());
	}

	get usesConfiguredToken(): boolean {
		return this.#configured !== undefined;
	}

	/** Makes (and returns) a new one-time sign-in token, replacing any earlier one. */
	async issueOneTimeToken(): Promise<string> {
		const token = randomBytes(24).toString('base64url');
		await this.#store.transaction(async () => {
			await this.#store.setSetting('signin_token_hash', sha256(token));
			await this.#store.setSetting('signin_token_expires_at', new Date(this.#now().getTime() + ONE_TIME_TOKEN_HOURS * 3_600_000).toISOString());
		});
		this.onNewToken(token);
		return token;
	}

	async #oneTimeTokenMatches(token: string): Promise<boolean> {
		const hash = await this.#store.setting('signin_token_hash');
		if (!hash || !timingSafeEqual(Buffer.from(sha256(token)), Buffer.from(hash))) return false;
		const expires = await this.#store.setting('signin_token_expires_at');
		return !expires || expires > this.#now().toISOString();
	}

	/**
	 * Exchanges a sign-in token for a session cookie value, or null when the token is wrong, used
	 * or expired. The configured token counts only when it came in a form (POST body).
	 */
	async signIn(token: string, name: string, via: SignInVia = 'form'): Promise<string | null> {
		if (!token) return null;
		if (via === 'form' && this.#configured && sameSecret(token, this.#configured)) return this.#store.createSession(name);
		// Checked and spent in one transaction: two instances sharing the store never both take it.
		const spent = await this.#store.transaction(async () => {
			if (!(await this.#oneTimeTokenMatches(token))) return false;
			await this.#store.setSetting('signin_token_hash', null);
			return true;
		});
		if (!spent) return null;
		// One-time: the next facilitator gets a fresh URL from the server log.
		if (!this.#configured) await this.issueOneTimeToken();
		return this.#store.createSession(name);
	}

	/** The facilitator's name for a session cookie, or null for an anonymous reader (or an idle session). */
	facilitator(cookie: string | undefined): Promise<string | null> {
		return this.#store.sessionName(cookie, this.#idleMs);
	}

	signOut(cookie: string): Promise<void> {
		return this.#store.deleteSession(cookie);
	}
}
