import { request, type IncomingMessage } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { startHttpServer, type TestServer } from '../support/targets/https-server.ts';
import { facilitatorToken, startHandbook, type Handbook } from '../support/handbook.ts';

// Finding 7 of issue 10: no X-Frame-Options or frame-ancestors, so a page on another port of the
// same site framed the checklist and it ran signed in. Now every response, prerendered pages and
// assets from the adapter's static handler included, carries the security headers, and the
// pages a Content-Security-Policy that allows the site's own scripts only.
let handbook: Handbook;
let target: TestServer;
let framer: TestServer;
let browser: Browser;

beforeAll(async () => {
	target = await startHttpServer((_req, res) => void res.end('OK'));
	handbook = await startHandbook({
		checks: [
			{
				id: 'healthz', title: 'healthz', kind: 'http', access: 'public', runbook: '/incidents/subdomain-routing-failure/#diagnosis',
				params: { url: `${target.url}/healthz` },
				outcomes: [{ status: 'fail', when: 'status != 200', message: 'answered {status}' }, { status: 'pass', message: 'OK' }],
			},
		],
	});
	// Another site (another port of the same host) that frames the checklist.
	framer = await startHttpServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'text/html' });
		res.end(`<!doctype html><title>framer</title><iframe id="victim" src="${handbook.url}/checklists/pre-workshop/" width="800" height="600"></iframe>`);
	});
	browser = await launchChromium();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await handbook?.stop();
	await target?.stop();
	await framer?.stop();
});

async function headersOf(path: string): Promise<Headers> {
	const res = await fetch(handbook.url + path);
	await res.arrayBuffer();
	return res.headers;
}

describe('security headers', () => {
	it('are on prerendered pages, assets, the 404 page and API answers alike', async () => {
		const page = await (await fetch(`${handbook.url}/checklists/pre-workshop/`)).text();
		const asset = /(?:src|href)="(\/_astro\/[^"]+)"/.exec(page)![1]!;
		for (const path of ['/', '/checklists/pre-workshop/', asset, '/favicon.svg', '/no-such-page/', '/api/health', '/api/checks']) {
			const h = await headersOf(path);
			expect([path, h.get('x-frame-options')]).toEqual([path, 'DENY']);
			expect([path, h.get('x-content-type-options')]).toEqual([path, 'nosniff']);
			expect([path, h.get('referrer-policy')]).toEqual([path, 'same-origin']);
			expect([path, h.get('content-security-policy')]).toEqual([path, expect.stringContaining("frame-ancestors 'none'")]);
		}
		for (const path of ['/api/health', '/api/checks', '/api/session']) expect((await headersOf(path)).get('cache-control')).toBe('no-store');
	});

	// scripts/serve.ts hands /api/ requests straight to Astro's rendering, past the adapter's
	// static handler: what that handler did for them must still be so.
	it('are on /api/ answers that skip the static-file lookup: an unknown path is a 404, a malformed one a 400; files keep their caching', async () => {
		const unknown = await fetch(`${handbook.url}/api/no-such-endpoint`);
		await unknown.arrayBuffer();
		expect(unknown.status).toBe(404);
		expect(unknown.headers.get('x-frame-options')).toBe('DENY');
		const malformed = await new Promise<IncomingMessage>((resolve, reject) => request(`${handbook.url}/api/%E0%A4%A`, (res) => (res.resume(), resolve(res))).on('error', reject).end());
		expect(malformed.statusCode).toBe(400);
		expect(malformed.headers['x-content-type-options']).toBe('nosniff');
		const page = await (await fetch(`${handbook.url}/checklists/pre-workshop/`)).text();
		const asset = /(?:src|href)="(\/_astro\/[^"]+)"/.exec(page)![1]!;
		expect((await headersOf(asset)).get('cache-control')).toBe('public, max-age=31536000, immutable');
	});

	it('never give a 304 a policy that would replace the cached page’s (a reload would run no script)', async () => {
		const first = await fetch(`${handbook.url}/checklists/pre-workshop/`);
		await first.arrayBuffer();
		// node:http, as fetch would add its own cache headers to a conditional request.
		const again = await new Promise<IncomingMessage>((resolve, reject) =>
			request(`${handbook.url}/checklists/pre-workshop/`, { headers: { 'if-none-match': first.headers.get('etag')! } }, (res) => (res.resume(), resolve(res))).on('error', reject).end(),
		);
		expect(again.statusCode).toBe(304);
		expect(again.headers['content-security-policy'] ?? first.headers.get('content-security-policy')).toBe(first.headers.get('content-security-policy'));
	});

	it('give the pages a policy with the site’s own scripts only: no unsafe-inline, no other origin', async () => {
		const policy = (await headersOf('/checklists/pre-workshop/')).get('content-security-policy')!;
		const scripts = /script-src ([^;]*)/.exec(policy)![1]!.split(' ');
		expect(scripts).toContain("'self'");
		expect(scripts).not.toContain("'unsafe-inline'");
		expect(scripts.filter((s) => !/^'(self|wasm-unsafe-eval|sha256-[A-Za-z0-9+/=]+)'$/.test(s))).toEqual([]);
		expect(policy).toMatch(/default-src 'self'/);
	});

	it('keep another site from framing the checklist (Chromium)', async () => {
		const page = await browser.newPage();
		const refusals: string[] = [];
		page.on('console', (m) => /frame|frame-ancestors/i.test(m.text()) && refusals.push(m.text()));
		await page.goto(framer.url, { waitUntil: 'load' });
		const frame = page.frames().find((f) => f !== page.mainFrame())!;
		// Chromium shows its own "is blocked" page in the frame instead of the checklist and its run bar.
		const runBar = await frame.evaluate(() => document.querySelector('[data-ref=who]') !== null).catch(() => false);
		expect(runBar).toBe(false);
		expect(refusals.join('\n')).toMatch(/frame-ancestors|X-Frame-Options/);
		await page.close();
	});

	it('leave the checklist working in Chromium: sign in, start a run, run a check, no policy violation', async () => {
		const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		const violations: string[] = [];
		page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
		page.on('pageerror', (e) => violations.push(e.message));
		expect((await page.goto(`${handbook.url}/checklists/pre-workshop/`))?.status()).toBe(200);
		await expect.poll(() => page.locator('[data-ref=who]').innerText(), { timeout: 10_000 }).not.toBe('');
		await page.locator('summary', { hasText: 'Sign in as a facilitator' }).click();
		await page.locator('input[name=token]').fill(facilitatorToken);
		await page.locator('input[name=name]').fill('Alice');
		await page.locator('[data-ref=sign-in] button[type=submit]').click();
		await expect.poll(() => page.locator('[data-ref=who]').innerText(), { timeout: 10_000 }).toBe('Signed in as Alice.');
		await page.locator('[data-ref=new]').click();
		await page.locator('#hb-run-new input[name=workshop]').fill('2026-12');
		await page.locator('#hb-run-new button[type=submit]').click();
		await expect.poll(() => page.locator('[data-ref=live]').innerText(), { timeout: 10_000 }).toBe('● live');
		await page.locator('#item-healthz .hb-item__run').click();
		await expect.poll(() => page.locator('#item-healthz .hb-status').innerText(), { timeout: 15_000 }).toBe('pass');
		// The theme switch (an inline script of Starlight's) still works.
		expect(await page.evaluate(() => typeof (window as unknown as { StarlightThemeProvider?: unknown }).StarlightThemeProvider)).toBe('object');
		expect(violations).toEqual([]);
		await page.close();
	});
});
