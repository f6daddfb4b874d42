import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { handbook as cli } from '../support/cli.ts';
import { startHandbook, type Handbook } from '../security/edge-harness.ts';

// Issue 14 in Chromium: people invited by name sign in by their link; the page names them; a
// facilitator's decision and sign-off are refused with the reason; an approver signs off.
const patience = { timeout: 15_000 };
let h: Handbook;
let browser: Browser;

const text = (l: Locator) => l.innerText();

/** Invites a person with the CLI and opens their link in a fresh browser context, landing on the checklist. */
async function signedInPage(name: string, role: string, path: string): Promise<Page> {
	const made = await cli(['invite', name, '--role', role], { HANDBOOK_DATA_DIR: h.dataDir, HANDBOOK_CONFIG: join(h.dataDir, 'handbook.config.ts'), HANDBOOK_SITE_URL: h.url, HANDBOOK_ACTOR: 'Lead Person' });
	expect(made.code, made.stderr).toBe(0);
	const link = /http:\/\/\S+\/api\/session\?token=\S+/.exec(made.stdout)![0];
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const res = await page.goto(`${link}&next=${encodeURIComponent(path)}`);
	expect(res?.status()).toBe(200);
	expect(new URL(page.url()).pathname).toBe(path.split('?')[0]);
	await expect.poll(() => text(page.locator('[data-ref=who]')), patience).toBe(`Signed in as ${name}.`);
	expect(errors).toEqual([]);
	return page;
}

beforeAll(async () => {
	h = await startHandbook({ env: { HANDBOOK_SITE_URL: 'http://127.0.0.1' } });
	browser = await launchChromium();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await h?.stop();
});

describe('named people in Chromium', () => {
	it('a facilitator starts a run under their name; their decision and sign-off are refused with the reason; an approver signs off', async () => {
		const fay = await signedInPage('Fay Cole', 'facilitator', '/checklists/pre-workshop/');
		await fay.locator('[data-ref=new]').click();
		await fay.locator('#hb-run-new button[type=submit]').click();
		await expect.poll(() => fay.locator('[data-ref=live]').innerText(), patience).toBe('● live');
		const runId = new URL(fay.url()).searchParams.get('run')!;
		expect(runId).toMatch(/^\w+$/);
		expect((await h.api(`/api/runs/${runId}`)).body.run.createdBy).toBe('Fay Cole');

		// The facilitator tries to decide: the server refuses, and the page says why.
		await fay.locator('summary', { hasText: 'Go / no-go and sign-off' }).click();
		await fay.locator('[data-ref=decide] input[value=no-go]').check();
		await fay.locator('[data-ref=decide] button[type=submit]').click();
		await expect.poll(() => text(fay.locator('[data-ref=error]')), patience).toMatch(/recording the go \/ no-go decision needs the approver role; you \(Fay Cole\) are signed in as facilitator/);

		const ana = await signedInPage('Ana Ruiz', 'approver', `/checklists/pre-workshop/?run=${runId}`);
		await ana.locator('summary', { hasText: 'Go / no-go and sign-off' }).click();
		await ana.locator('[data-ref=decide] input[value=no-go]').check();
		await ana.locator('[data-ref=decide] button[type=submit]').click();
		await expect.poll(() => text(ana.locator('[data-ref=decision]')), patience).toMatch(/^Decision: NO-GO, recorded by Ana Ruiz on /);

		// Now the facilitator's sign-off button is live, and pressing it is refused with the reason.
		await expect.poll(() => fay.locator('[data-ref=sign-off]').isDisabled(), patience).toBe(false);
		await fay.locator('[data-ref=sign-off]').click();
		await fay.locator('[data-ref=sign-off]').click();
		await expect.poll(() => text(fay.locator('[data-ref=error]')), patience).toMatch(/signing a run off needs the approver role; you \(Fay Cole\) are signed in as facilitator/);
		expect((await h.api(`/api/runs/${runId}`)).body.run.signedOffAt).toBeNull();

		await ana.locator('[data-ref=sign-off]').click();
		await ana.locator('[data-ref=sign-off]').click();
		for (const p of [ana, fay]) {
			await expect.poll(() => p.locator('[data-ref=frozen]').isVisible(), patience).toBe(true);
			expect(await text(p.locator('[data-ref=frozen]'))).toMatch(/^Signed off by Ana Ruiz on .*This run is frozen/);
		}
	}, 90_000);
});
