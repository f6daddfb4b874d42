import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facilitatorToken, startHandbook, type Handbook } from '../support/handbook.ts';

// Findings 5 and 6 of issue 10: `GET /api/session?token=` accepted the long-lived configured
// token (which then sits in browser history and proxy logs) and was never rate limited (2,000
// guesses in 12 s); sessions never ended while unused.
let handbook: Handbook;

beforeAll(async () => {
	// Idle expiry of 2 s for the test (default 12 h).
	handbook = await startHandbook({ env: { HANDBOOK_SESSION_IDLE_HOURS: String(2 / 3600), HANDBOOK_SITE_URL: 'http://127.0.0.1' } });
}, 60_000);

afterAll(async () => {
	await handbook?.stop();
});

const link = (token: string) => `/api/session?token=${encodeURIComponent(token)}`;

describe('facilitator sessions', () => {
	it('never accepts the configured token in a URL, only in a POST body', async () => {
		const byLink = await handbook.api(link(facilitatorToken));
		expect(byLink.status).toBe(401);
		expect(byLink.headers.get('set-cookie')).toBeNull();
		expect(byLink.headers.get('content-type')).toMatch(/^text\/html/);
		const byForm = await handbook.api('/api/session', { method: 'POST', json: { token: facilitatorToken } });
		expect(byForm.status).toBe(200);
		expect(byForm.headers.get('set-cookie')).toMatch(/handbook_session=/);
	});

	it('limits guesses by link and by form together, per client', async () => {
		const answers: number[] = [];
		for (let i = 0; i < 15; i++) answers.push((await handbook.api(link(`guess-${i}`))).status);
		expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
		expect(answers).toContain(429);
		// The form shares the allowance: even the right token waits now.
		const form = await handbook.api('/api/session', { method: 'POST', json: { token: facilitatorToken } });
		expect(form.status).toBe(429);
		expect(Number(form.headers.get('retry-after'))).toBeGreaterThan(0);
	});

	it('ends a session left unused for the idle time', async () => {
		// A fresh server: the previous test used up this client's sign-in allowance.
		const other = await startHandbook({ env: { HANDBOOK_SESSION_IDLE_HOURS: String(2 / 3600) } });
		try {
			await other.signIn();
			expect((await other.api('/api/session')).body).toMatchObject({ facilitator: true });
			await new Promise((r) => setTimeout(r, 3_000));
			expect((await other.api('/api/session')).body).toMatchObject({ facilitator: false });
			expect((await other.api('/api/runs', { method: 'POST', json: { checklist: 'pre-workshop' } })).status).toBe(401);
		} finally {
			await other.stop();
		}
	});
});
