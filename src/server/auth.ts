import { randomBytes, timingSafeEqual } from 'node:crypto';
import { PeopleStore } from '../store/people-store.ts';
import { sha256, type Store } from '../store/store.ts';
import type { Person } from './roles.ts';

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
	/** Named people: invites, their links, approvals. */
	readonly people: PeopleStore;
	#configured: string | undefined;
	#idleMs: number;
	#now: () => Date;
	/** Called with a freshly generated one-time token (print it as a sign-in URL). */
	onNewToken: (token: string) => void = () => {};

	constructor(store: Store, options: { configuredToken?: string; idleHours?: number; now?: () => Date } = {}) {
		this.#store = store;
		this.people = new PeopleStore(store, { now: options.now });
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
	 * Exchanges a sign-in token for a session: an invite link signs its person in with their
	 * roles; the configured token (only in a form, a POST body) and the server's own one-time
	 * link are break-glass: every role, the audit subject "break-glass:<name>", and the name
	 * "<name> (break-glass)" when an invited person has that name. Null when the token is wrong,
	 * used or expired.
	 */
	async signIn(token: string, name: string, via: SignInVia = 'form'): Promise<{ cookie: string; person: Person } | null> {
		if (!token) return null;
		if (via === 'form' && this.#configured && sameSecret(token, this.#configured)) return this.#session(await this.people.breakGlass(name));
		if (via === 'link') {
			const invited = await this.people.redeem(token);
			if (invited) return this.#session(invited);
		}
		// Checked and spent in one transaction: two instances sharing the store never both take it.
		const spent = await this.#store.transaction(async () => {
			if (!(await this.#oneTimeTokenMatches(token))) return false;
			await this.#store.setSetting('signin_token_hash', null);
			return true;
		});
		if (!spent) return null;
		// One-time: the next operator gets a fresh URL from the server log.
		if (!this.#configured) await this.issueOneTimeToken();
		return this.#session(await this.people.breakGlass(name));
	}

	/** A session for a person the identity provider vouched for; returns the cookie value. */
	signInAs(person: Person): Promise<string> {
		return this.#store.createSession(person);
	}

	async #session(person: Person): Promise<{ cookie: string; person: Person }> {
		return { cookie: await this.#store.createSession(person), person };
	}

	/** The signed-in person of a session cookie, or null for an anonymous reader (or an idle session). */
	person(cookie: string | undefined): Promise<Person | null> {
		return this.#store.session(cookie, this.#idleMs);
	}

	/** The signed-in person's name, or null. */
	async facilitator(cookie: string | undefined): Promise<string | null> {
		return (await this.person(cookie))?.name ?? null;
	}

	signOut(cookie: string): Promise<void> {
		return this.#store.deleteSession(cookie);
	}
}
