import { describe, expect, it } from 'vitest';
import { facilitatorToken, startHandbook, type Handbook } from '../support/handbook.ts';

// Finding 6 of issue 10: behind a reverse proxy every client shared the proxy's address, so 12
// bad sign-ins from one client locked every facilitator out, and the cookie was never Secure.
// HANDBOOK_TRUST_PROXY (a hop count or a CIDR list) decides when X-Forwarded-* are believed.

const signIn = (h: Handbook, token: string, headers: Record<string, string>) => h.api('/api/session', { method: 'POST', json: { token }, headers });

async function exhaust(h: Handbook, headers: Record<string, string>): Promise<void> {
	for (let i = 0; i < 12; i++) await signIn(h, `wrong-${i}`, headers);
}

async function withHandbook(env: Record<string, string>, fn: (h: Handbook) => Promise<void>): Promise<void> {
	const h = await startHandbook({ env: { HANDBOOK_SITE_URL: 'http://127.0.0.1', ...env } });
	try {
		await fn(h);
	} finally {
		await h.stop();
	}
}

describe('behind a trusted reverse proxy', () => {
	for (const trust of ['1', '127.0.0.1/8, ::1']) {
		it(`tells clients apart by X-Forwarded-For (HANDBOOK_TRUST_PROXY=${trust})`, async () => {
			await withHandbook({ HANDBOOK_TRUST_PROXY: trust }, async (h) => {
				const mallory = { 'x-forwarded-for': '203.0.113.66' };
				await exhaust(h, mallory);
				expect((await signIn(h, facilitatorToken, mallory)).status).toBe(429);
				// Another facilitator behind the same proxy is not locked out.
				const alice = await signIn(h, facilitatorToken, { 'x-forwarded-for': '198.51.100.7' });
				expect(alice.status).toBe(200);
			});
		});
	}

	it('sets the cookie Secure when the proxy says the client came over https', async () => {
		await withHandbook({ HANDBOOK_TRUST_PROXY: '1' }, async (h) => {
			// The browser, talking https to the proxy, sends its https origin.
			const https = await signIn(h, facilitatorToken, { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'https', origin: h.url.replace(/^http:/, 'https:') });
			expect(https.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
			const http = await signIn(h, facilitatorToken, { 'x-forwarded-for': '198.51.100.8', 'x-forwarded-proto': 'http' });
			expect(http.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
		});
	});
});

describe('without HANDBOOK_TRUST_PROXY', () => {
	it('believes no forwarded header: a client cannot dodge the limit or claim https', async () => {
		await withHandbook({}, async (h) => {
			for (let i = 0; i < 12; i++) await signIn(h, `wrong-${i}`, { 'x-forwarded-for': `203.0.113.${i}` });
			expect((await signIn(h, facilitatorToken, { 'x-forwarded-for': '198.51.100.99' })).status).toBe(429);
		});
		await withHandbook({}, async (h) => {
			const res = await signIn(h, facilitatorToken, { 'x-forwarded-proto': 'https' });
			expect(res.status).toBe(200);
			expect(res.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
		});
	});

	it('sets the cookie Secure when the configured site URL is https', async () => {
		await withHandbook({ HANDBOOK_SITE_URL: 'https://handbook.example.test' }, async (h) => {
			const res = await signIn(h, facilitatorToken, {});
			expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
		});
	});
});
