import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHandbook, type Handbook } from '../support/handbook.ts';

// Finding 10 of issue 10 (calendar): /calendar.ics built its links from the Host header, which a
// client chooses (a poisoned shared cache then served them to everyone), and was cached publicly.
let handbook: Handbook;

beforeAll(async () => {
	handbook = await startHandbook({ env: { HANDBOOK_SITE_URL: 'https://handbook.example.test' } });
}, 60_000);

afterAll(async () => {
	await handbook?.stop();
});

/** GET with a Host header of our choosing (fetch does not let one set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
	const { hostname, port, pathname, search } = new URL(url);
	return new Promise((resolve, reject) => {
		const req = request({ host: hostname, port: Number(port), path: pathname + search, headers: { host } }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => (body += d));
			res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
		});
		req.on('error', reject);
		req.end();
	});
}

describe('/calendar.ics', () => {
	it('links to the configured site whatever the Host header says, and is not cached publicly', async () => {
		const res = await getWithHost(`${handbook.url}/calendar.ics?months=2`, 'evil.example');
		expect(res.status).toBe(200);
		expect(res.body).toContain('https://handbook.example.test/');
		expect(res.body).not.toContain('evil.example');
		expect(String(res.headers['cache-control'])).not.toMatch(/public/);
		expect(String(res.headers['cache-control'])).toMatch(/private|no-store/);
	});
});
