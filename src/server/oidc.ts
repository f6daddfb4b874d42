import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { IdentityConfig } from '../checks/config.ts';
import type { PeopleStore } from '../store/people-store.ts';
import { NameTakenError } from '../store/people-store.ts';
import { checkPersonName, roles as allRoles, type Person, type Role } from './roles.ts';

/** A sign-in started in this process: what the callback must see again (kept 10 minutes). */
interface Pending {
	verifier: string;
	state: string;
	nonce: string;
	next: string;
	expires: number;
}

/** The outcome of a callback: a person with roles, or a viewer told why. */
export type OidcResult = { person: Person } | { viewer: { name: string; groups: string[] } };

/**
 * Sign-in through the team's identity provider: OpenID Connect authorization code with PKCE,
 * state and nonce, through `openid-client` (which checks the ID token's issuer, audience,
 * signature, expiry and nonce). Roles come from the groups claim through the configured mapping.
 * Pending sign-ins live in this process for 10 minutes, keyed by a random cookie.
 */
export class Oidc {
	readonly config: IdentityConfig;
	#discovered: Promise<client.Configuration> | undefined;
	#pending = new Map<string, Pending>();
	#now: () => number;

	constructor(config: IdentityConfig, options: { now?: () => number } = {}) {
		this.config = config;
		this.#now = options.now ?? Date.now;
	}

	/** The provider's metadata, fetched once (again after a failure). */
	provider(): Promise<client.Configuration> {
		this.#discovered ??= (async () => {
			const secret = this.config.clientSecretEnv ? process.env[this.config.clientSecretEnv] : undefined;
			if (this.config.clientSecretEnv && !secret) throw new Error(`identity.clientSecretEnv names ${this.config.clientSecretEnv}, which is not set`);
			const issuer = new URL(this.config.issuer);
			// Plain http only for a provider on this machine (tests, a local provider).
			const loopback = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
			return client.discovery(issuer, this.config.clientId, secret, secret ? client.ClientSecretPost(secret) : client.None(), loopback ? { execute: [client.allowInsecureRequests] } : undefined);
		})().catch((err) => {
			this.#discovered = undefined;
			throw err;
		});
		return this.#discovered;
	}

	/** Starts a sign-in: the provider URL to send the browser to, and the key of its pending state (a cookie). */
	async start(redirectUri: string, next: string): Promise<{ url: URL; key: string }> {
		const provider = await this.provider();
		const verifier = client.randomPKCECodeVerifier();
		const pending: Pending = { verifier, state: client.randomState(), nonce: client.randomNonce(), next, expires: this.#now() + 10 * 60_000 };
		this.#sweep();
		const key = randomBytes(24).toString('base64url');
		this.#pending.set(key, pending);
		const url = client.buildAuthorizationUrl(provider, {
			redirect_uri: redirectUri,
			scope: this.config.scopes.join(' '),
			code_challenge: await client.calculatePKCECodeChallenge(verifier),
			code_challenge_method: 'S256',
			state: pending.state,
			nonce: pending.nonce,
		});
		return { url, key };
	}

	/**
	 * Finishes a sign-in from the callback URL: the pending state is used once, whatever happens;
	 * a wrong state or nonce, a replayed code, or an ID token from another issuer throws.
	 */
	async finish(key: string | undefined, callbackUrl: URL, people: PeopleStore): Promise<OidcResult & { next: string }> {
		const pending = key ? this.#pending.get(key) : undefined;
		if (key) this.#pending.delete(key);
		if (!pending || pending.expires < this.#now()) throw new Error('this sign-in was not started here or took longer than 10 minutes; start it again');
		const provider = await this.provider();
		const tokens = await client.authorizationCodeGrant(provider, callbackUrl, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
		const claims = tokens.claims()!;
		const raw = claims[this.config.groupsClaim];
		const groups = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === 'string') : typeof raw === 'string' ? [raw] : [];
		const held = new Set<Role>(groups.flatMap((g) => this.config.roles[g] ?? []));
		const name = displayName(claims);
		if (held.size === 0) return { viewer: { name, groups }, next: pending.next };
		const person: Person = { subject: `oidc:${claims.iss}#${claims.sub}`, name, roles: allRoles.filter((r) => held.has(r)), via: 'oidc' };
		try {
			return { person: await people.remember(person), next: pending.next };
		} catch (err) {
			if (!(err instanceof NameTakenError)) throw err;
			// Two people with one name: the second is told apart by their e-mail (or subject).
			const other = `${name} (${typeof claims.email === 'string' ? claims.email : claims.sub})`.slice(0, 80);
			return { person: await people.remember({ ...person, name: other }), next: pending.next };
		}
	}

	/** Where to send the browser after signing out here, to end the provider's session too (when it has one). */
	async endSessionUrl(postLogoutRedirectUri: string): Promise<string | null> {
		const provider = await this.provider();
		if (!provider.serverMetadata().end_session_endpoint) return null;
		return client.buildEndSessionUrl(provider, { post_logout_redirect_uri: postLogoutRedirectUri, client_id: this.config.clientId }).href;
	}

	#sweep(): void {
		const now = this.#now();
		for (const [k, p] of this.#pending) if (p.expires < now) this.#pending.delete(k);
	}
}

/** A display name from the ID token: `name`, else `preferred_username`, else `email`, else the subject. */
function displayName(claims: client.IDToken): string {
	for (const c of [claims.name, claims.preferred_username, claims.email, claims.sub]) {
		if (typeof c !== 'string' || !c.trim()) continue;
		try {
			return checkPersonName(c);
		} catch {
			// A reserved or odd name ("system"): try the next claim.
		}
	}
	return `oidc user ${claims.sub.slice(0, 40)}`;
}
