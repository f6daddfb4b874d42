import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, testOutput } from '../support/browser.ts';
import { startHandbook, type Handbook } from '../support/handbook.ts';

// Issue 11 (signing in): the home page never said how facilitators sign in, the one-time link
// always landed on the home page, and a used link showed a raw JSON 401.
let handbook: Handbook;
let browser: Browser;
const linkPattern = /Facilitator sign-in \(one-time link\): (http:\/\/\S+\/api\/session\?token=\S+)/g;
const links = () => [...handbook.server.output().matchAll(linkPattern)].map((m) => new URL(m[1]!));
const onServer = (link: URL, next?: string) => `${handbook.url}${link.pathname}${link.search}${next === undefined ? '' : `&next=${encodeURIComponent(next)}`}`;

beforeAll(async () => {
	// No configured token: the server prints one-time links (the default site URL is https, so the
	// cookie is Secure; Chromium keeps Secure cookies of http://127.0.0.1, a secure context).
	handbook = await startHandbook({ env: { HANDBOOK_FACILITATOR_TOKEN: '' } });
	browser = await launchChromium();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await handbook?.stop();
});

describe('signing in as a facilitator (Chromium)', () => {
	it('the home page says how', async () => {
		const page = await browser.newPage();
		await page.goto(`${handbook.url}/`);
		const passage = page.locator('h3', { hasText: 'Facilitators: how to sign in' });
		expect(await passage.count()).toBe(1);
		const text = await page.locator('main').innerText();
		expect(text).toMatch(/one-time link/);
		expect(text).toMatch(/Sign in as a facilitator/);
		await page.close();
	});

	it('a one-time link signs in and returns to the page it names', async () => {
		const [first] = links();
		expect(first).toBeDefined();
		const context = await browser.newContext();
		const page = await context.newPage();
		const res = await page.goto(onServer(first!, '/checklists/pre-workshop/'));
		expect(res?.status()).toBe(200);
		expect(new URL(page.url()).pathname).toBe('/checklists/pre-workshop/');
		await expect.poll(() => page.locator('[data-ref=who]').innerText(), { timeout: 10_000 }).toMatch(/^Signed in as facilitator/);
		await page.screenshot({ path: `${testOutput}/sign-in-returned-to-checklist.png` });
		await context.close();
	});

	it('a used link opens a page in plain words saying what to do, not JSON', async () => {
		const [first] = links();
		const page = await browser.newPage();
		const errors: string[] = [];
		page.on('console', (m) => m.type() === 'error' && !/status of 401/.test(m.text()) && errors.push(m.text()));
		const res = await page.goto(onServer(first!, '/checklists/pre-workshop/'));
		expect(res?.status()).toBe(401);
		expect(res?.headers()['content-type']).toMatch(/^text\/html/);
		expect(await page.locator('h1').innerText()).toBe('This sign-in link does not work any more');
		const text = await page.locator('main').innerText();
		expect(text).toMatch(/already been used, has expired/);
		expect(text).toMatch(/What to do: ask the person who runs the handbook server for a new link/);
		expect(text).not.toMatch(/[{}"]error/);
		// A way back to the page the link named.
		expect(await page.locator('a', { hasText: 'Go back to the page you came from' }).getAttribute('href')).toBe('/checklists/pre-workshop/');
		expect(errors).toEqual([]);
		await page.screenshot({ path: `${testOutput}/sign-in-used-link.png` });
		await page.close();
	});

	it('never sends the browser to another site after signing in', async () => {
		const fresh = links().at(-1)!;
		const context = await browser.newContext();
		const page = await context.newPage();
		const res = await page.goto(onServer(fresh, '//evil.example/phish'));
		expect(res?.status()).toBe(200);
		expect(new URL(page.url()).origin).toBe(handbook.url);
		expect(new URL(page.url()).pathname).toBe('/');
		await context.close();
	});
});
