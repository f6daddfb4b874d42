import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHandbook, type Handbook } from '../support/handbook.ts';

// Finding 8 of issue 10: a JSON POST with a foreign Origin was accepted (201); only SameSite and
// the missing CORS preflight stopped it. Now our middleware refuses it whatever the content type,
// and mutations take exactly application/json.
let handbook: Handbook;

beforeAll(async () => {
	handbook = await startHandbook({ env: { HANDBOOK_SITE_URL: 'http://127.0.0.1' } });
	await handbook.signIn();
}, 60_000);

afterAll(async () => {
	await handbook?.stop();
});

const start = (headers: Record<string, string>, body: string = JSON.stringify({ checklist: 'pre-workshop' })) => handbook.api('/api/runs', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('mutations of the API', () => {
	it('refuses a foreign Origin, even with the session cookie and a JSON body', async () => {
		const foreign = await start({ origin: 'http://127.0.0.1:1' });
		expect(foreign.status).toBe(403);
		expect(foreign.body.error).toMatch(/cross-site/);
		expect((await start({ origin: 'https://evil.example' })).status).toBe(403);
	});

	it('refuses a null Origin (sandboxed frames, data: pages)', async () => {
		expect((await start({ origin: 'null' })).status).toBe(403);
	});

	it('refuses a request the browser marks cross-site or same-site', async () => {
		expect((await start({ origin: '', 'sec-fetch-site': 'same-site' })).status).toBe(403);
	});

	it('refuses every content type but application/json, same-origin too', async () => {
		for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-patch+json']) {
			const res = await start({ 'content-type': type });
			expect([type, res.status]).toEqual([type, 415]);
		}
		// A cross-site form is refused for its Origin first.
		expect((await start({ 'content-type': 'text/plain', origin: 'https://evil.example' })).status).toBe(403);
	});

	it('refuses foreign sign-out and sign-in too', async () => {
		expect((await handbook.api('/api/session', { method: 'DELETE', headers: { origin: 'https://evil.example' } })).status).toBe(403);
		expect((await handbook.api('/api/session', { method: 'POST', json: { token: 'x' }, headers: { origin: 'https://evil.example' } })).status).toBe(403);
	});

	it('accepts the same origin and clients without a browser (no Origin)', async () => {
		expect((await start({})).status).toBe(201);
		const cli = await fetch(`${handbook.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', cookie: (await handbook.signIn()) }, body: JSON.stringify({ checklist: 'pre-workshop' }) });
		expect(cli.status).toBe(201);
	});
});
