import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { startIdentityStack, type IdentityStack } from '../support/oidc.ts';

// Issue 14 in Chromium with the identity provider: the header's Sign in goes through the
// provider's own login and consent pages and back; the page names the person; a facilitator's
// sign-off is refused with the reason; an approver signs off.
const patience = { timeout: 15_000 };
let stack: IdentityStack;
let browser: Browser;

const text = (l: Locator) => l.innerText();

/** Signs in through the provider from the header of a page, as `login`, in a fresh browser context. */
async function signInThroughProvider(login: string, path: string): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await page.goto(stack.handbook.url + path);
	const signIn = page.locator('hb-header-sign-in:visible [data-hb-sign=in]');
	await expect.poll(() => signIn.isVisible(), patience).toBe(true);
	await signIn.click();
	await page.locator('input[name=login]').fill(login);
	expect(page.url().startsWith(stack.issuer)).toBe(true);
	await page.locator('input[name=password]').fill('any password');
	await page.locator('button[type=submit]').click();
	await page.locator('button[type=submit]', { hasText: 'Continue' }).click();
	await expect.poll(() => page.url(), patience).toMatch(new RegExp(`^${stack.handbook.url}${path.split('?')[0]}`)).catch(async (err) => {
		throw new Error(`${err}: ${await page.locator('body').innerText().catch(() => '')}`);
	});
	expect(errors).toEqual([]);
	return page;
}

beforeAll(async () => {
	stack = await startIdentityStack();
	browser = await launchChromium();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await stack?.stop();
});

describe('sign-in through the identity provider in Chromium', () => {
	it('signs in on the provider page, starts a run under the name, refuses a facilitator sign-off, lets an approver sign off, signs out', async () => {
		const fay = await signInThroughProvider('fay', '/checklists/pre-workshop/');
		await expect.poll(() => text(fay.locator('hb-header-sign-in:visible [data-hb-sign=who]')), patience).toBe('Fay Cole (facilitator)');
		await expect.poll(() => text(fay.locator('[data-ref=who]')), patience).toBe('Signed in as Fay Cole.');
		await fay.locator('[data-ref=new]').click();
		await fay.locator('#hb-run-new button[type=submit]').click();
		await expect.poll(() => fay.locator('[data-ref=live]').innerText(), patience).toBe('● live');
		const runId = new URL(fay.url()).searchParams.get('run')!;

		const ana = await signInThroughProvider('ana', `/checklists/pre-workshop/?run=${runId}`);
		await expect.poll(() => text(ana.locator('hb-header-sign-in:visible [data-hb-sign=who]')), patience).toBe('Ana Ruiz (approver)');
		await ana.locator('summary', { hasText: 'Go / no-go and sign-off' }).click();
		await ana.locator('[data-ref=decide] input[value=no-go]').check();
		await ana.locator('[data-ref=decide] button[type=submit]').click();
		await expect.poll(() => text(ana.locator('[data-ref=decision]')), patience).toMatch(/^Decision: NO-GO, recorded by Ana Ruiz on /);

		await fay.locator('summary', { hasText: 'Go / no-go and sign-off' }).click();
		await expect.poll(() => fay.locator('[data-ref=sign-off]').isDisabled(), patience).toBe(false);
		await fay.locator('[data-ref=sign-off]').click();
		await fay.locator('[data-ref=sign-off]').click();
		await expect.poll(() => text(fay.locator('[data-ref=error]')), patience).toMatch(/signing a run off needs the approver role; you \(Fay Cole\) are signed in as facilitator/);

		await ana.locator('[data-ref=sign-off]').click();
		await ana.locator('[data-ref=sign-off]').click();
		await expect.poll(() => ana.locator('[data-ref=frozen]').isVisible(), patience).toBe(true);
		expect(await text(ana.locator('[data-ref=frozen]'))).toMatch(/^Signed off by Ana Ruiz on .*This run is frozen/);

		// Sign out: the provider's session ends too, and the handbook no longer knows Ana.
		await ana.locator('hb-header-sign-in:visible [data-hb-sign=out]').click();
		await ana.waitForURL((u) => u.href.startsWith(stack.issuer));
		const session = await ana.request.get(`${stack.handbook.url}/api/session`);
		expect((await session.json()).signedIn).toBe(false);
	}, 120_000);
});
