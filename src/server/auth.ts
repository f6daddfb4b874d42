import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256, type Store } from '../store/store.ts';

export const sessionCookie = 'handbook_session';

/** Compares two secrets in constant time. */
function sameSecret(a: string, b: string): boolean {
	const x = Buffer.from(sha256(a));
	const y = Buffer.from(sha256(b));
	return timingSafeEqual(x, y);
}

/**
 * Facilitator sign-in. The token comes from HANDBOOK_FACILITATOR_TOKEN; without one, a one-time
 * sign-in token is generated (only its hash is stored) and printed as a URL, as Jupyter does.
 * A used one-time token is replaced by a new one.
 */
export class Auth {
	#store: Store;
	#configured: string | undefined;
	/** Called with a freshly generated one-time token (print it as a sign-in URL). */
	onNewToken: (token: string) => void = () => {};

	constructor(store: Store, configuredToken = process.env.HANDBOOK_FACILITATOR_TOKEN) {
		this.#store = store;
		this.#configured = configuredToken || undefined;
	}

	get usesConfiguredToken(): boolean {
		return this.#configured !== undefined;
	}

	/** Makes (and returns) a new one-time sign-in token, replacing any earlier one. */
	issueOneTimeToken(): string {
		const token = randomBytes(24).toString('base64url');
		this.#store.setSetting('signin_token_hash', sha256(token));
		this.onNewToken(token);
		return token;
	}

	/** Exchanges a sign-in token for a session cookie value, or null when the token is wrong. */
	signIn(token: string, name: string): string | null {
		if (!token) return null;
		if (this.#configured) {
			if (!sameSecret(token, this.#configured)) return null;
		} else {
			const hash = this.#store.setting('signin_token_hash');
			if (!hash || !timingSafeEqual(Buffer.from(sha256(token)), Buffer.from(hash))) return null;
			// One-time: the next facilitator gets a fresh URL from the server log.
			this.#store.setSetting('signin_token_hash', null);
			this.issueOneTimeToken();
		}
		return this.#store.createSession(name);
	}

	/** The facilitator's name for a session cookie, or null for an anonymous reader. */
	facilitator(cookie: string | undefined): string | null {
		return this.#store.sessionName(cookie);
	}

	signOut(cookie: string): void {
		this.#store.deleteSession(cookie);
	}
}
