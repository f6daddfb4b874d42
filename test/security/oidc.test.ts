import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdentityStack, type IdentityStack } from '../support/oidc.ts';
import type { RunningServer } from '../support/server.ts';

// Issue 14, part 4: sign-in through the team's identity provider. A real OpenID provider
// (`oidc-provider`, its own login and consent pages) runs on loopback with test users; a second
// one plays an identity provider the handbook does not trust.
let stack: IdentityStack;
let handbook: RunningServer;
let issuer: string;
let otherIssuer: string;

/** A cookie jar for one browser: every host of the test is 127.0.0.1, as a browser would share. */
class Browser {
	cookies = new Map<string, string>();
	async get(url: string, init: RequestInit = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		// As a browser does on a POST (the handbook refuses origin-less mutations from pages).
		if (init.method === 'POST' && !headers.has('origin')) headers.set('origin', new URL(url).origin);
		if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
		const res = await fetch(url, { ...init, headers, redirect: 'manual' });
		for (const c of res.headers.getSetCookie()) {
			const [pair, ...attrs] = c.split(';');
			const [k, v] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
			if (v === '' || attrs.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()))) this.cookies.delete(k);
			else this.cookies.set(k, v);
		}
		return res;
	}
}

/**
 * Follows a sign-in from the handbook's Sign in link through the provider's login and consent
 * pages, as `login` (any password), until the provider sends the browser back: returns that
 * callback URL, not yet opened. `tamper` may change the provider's authorization URL first.
 */
async function toCallback(browser: Browser, login: string, options: { tamper?: (auth: URL) => URL } = {}): Promise<string> {
	const start = await browser.get(`${handbook.url}/api/oidc/login?next=${encodeURIComponent('/checklists/pre-workshop/')}`);
	expect(start.status).toBe(303);
	let url = new URL(start.headers.get('location')!);
	if (options.tamper) url = options.tamper(url);
	for (let step = 0; step < 12; step++) {
		if (url.href.startsWith(`${handbook.url}/api/oidc/callback`)) return url.href;
		const res = await browser.get(url.href);
		if (res.status >= 300 && res.status < 400) {
			url = new URL(res.headers.get('location')!, url);
			continue;
		}
		const html = await res.text();
		const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
		if (res.status !== 200 || !action) throw new Error(`the provider answered ${res.status}: ${html.slice(0, 300)}`);
		const form: Record<string, string> = html.includes('name="login"') ? { prompt: 'login', login, password: 'any' } : { prompt: 'consent' };
		const posted = await browser.get(new URL(action, url).href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
		url = new URL(posted.headers.get('location')!, url);
	}
	throw new Error('the sign-in did not come back to the handbook');
}

async function signIn(login: string): Promise<{ browser: Browser; res: Response }> {
	const browser = new Browser();
	const res = await browser.get(await toCallback(browser, login));
	return { browser, res };
}

async function whoAmI(browser: Browser) {
	return (await browser.get(`${handbook.url}/api/session`)).json();
}

beforeAll(async () => {
	stack = await startIdentityStack({ HANDBOOK_SESSION_IDLE_HOURS: String(8 / 3600) });
	({ handbook, issuer, otherIssuer } = stack);
}, 60_000);

afterAll(async () => {
	await stack?.stop();
});

describe('sign-in through the identity provider', () => {
	it('signs a person in with the roles their groups map to', async () => {
		const { browser, res } = await signIn('ana');
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/checklists/pre-workshop/');
		expect(await whoAmI(browser)).toEqual({ facilitator: true, signedIn: true, name: 'Ana Ruiz', roles: ['approver'], via: 'oidc', identityProvider: true });
		const fay = await signIn('fay');
		expect((await whoAmI(fay.browser)).roles).toEqual(['facilitator']);
		const run = await fay.browser.get(`${handbook.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ checklist: 'pre-workshop' }) });
		expect(run.status).toBe(201);
		expect((await run.json()).run.createdBy).toBe('Fay Cole');
		const refused = await browser.get(`${handbook.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ checklist: 'pre-workshop' }) });
		expect(refused.status).toBe(403);
	});

	it('keeps a person whose groups give no role a viewer, and says why', async () => {
		const { browser, res } = await signIn('vic');
		expect(res.status).toBe(403);
		const page = await res.text();
		expect(page).toMatch(/You can read the handbook, but not change runs/);
		expect(page).toMatch(/you are Vic Viewer, in the groups staff/);
		expect(page).toMatch(/handbook-facilitators, handbook-approvers, handbook-on-call/);
		expect(browser.cookies.has('handbook_session')).toBe(false);
		expect((await whoAmI(browser)).signedIn).toBe(false);
	});

	it('signs out here, and points at the provider to end its session', async () => {
		const { browser } = await signIn('ana');
		const out = await browser.get(`${handbook.url}/api/oidc/logout`, { method: 'POST' });
		expect(out.status).toBe(200);
		const body = await out.json();
		expect(body.endSession).toMatch(new RegExp(`^${issuer}/session/end\\?`));
		expect((await whoAmI(browser)).signedIn).toBe(false);
	});

	it('ends a session left unused for the idle time', async () => {
		const { browser } = await signIn('fay');
		expect((await whoAmI(browser)).signedIn).toBe(true);
		await new Promise((r) => setTimeout(r, 9_000));
		expect((await whoAmI(browser)).signedIn).toBe(false);
	}, 30_000);

	it('refuses an answer with a wrong state', async () => {
		const browser = new Browser();
		const callback = new URL(await toCallback(browser, 'ana'));
		callback.searchParams.set('state', 'forged-state');
		const res = await browser.get(callback.href);
		expect(res.status).toBe(400);
		expect(await res.text()).toMatch(/Sign-in did not complete/);
		expect(browser.cookies.has('handbook_session')).toBe(false);
	});

	it('refuses an ID token with a wrong nonce', async () => {
		const browser = new Browser();
		const callback = await toCallback(browser, 'ana', { tamper: (auth) => (auth.searchParams.set('nonce', 'forged-nonce'), auth) });
		const res = await browser.get(callback);
		expect(res.status).toBe(400);
		expect(await res.text()).toMatch(/refused: unexpected JWT claim value encountered \(.*nonce/);
		expect(browser.cookies.has('handbook_session')).toBe(false);
	});

	it('refuses an answer from another identity provider', async () => {
		const browser = new Browser();
		const callback = await toCallback(browser, 'ana', { tamper: (auth) => new URL(`${auth.pathname}${auth.search}`, otherIssuer) });
		const res = await browser.get(callback);
		expect(res.status).toBe(400);
		expect(await res.text()).toMatch(/Sign-in did not complete/);
		expect(browser.cookies.has('handbook_session')).toBe(false);
	});

	it('refuses a replayed authorization code', async () => {
		const browser = new Browser();
		const first = new URL(await toCallback(browser, 'ana'));
		expect((await browser.get(first.href)).status).toBe(303);
		// A new sign-in (new state and verifier) fed the code already used.
		const attacker = new Browser();
		const second = new URL(await toCallback(attacker, 'vic'));
		second.searchParams.set('code', first.searchParams.get('code')!);
		const res = await attacker.get(second.href);
		expect(res.status).toBe(400);
		expect(await res.text()).toMatch(/Sign-in did not complete/);
		expect(attacker.cookies.has('handbook_session')).toBe(false);
	});
});
