import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { handbook as cli } from '../support/cli.ts';
import { startHandbook, type Handbook } from '../support/handbook.ts';

// Issue 14 in Chromium: people invited by name sign in by their link; the page names them; a
// facilitator's decision and sign-off are refused with the reason; an approver signs off.
const patience = { timeout: 15_000 };
let h: Handbook;
let browser: Browser;

const text = (l: Locator) => l.innerText();

/** Invites a person with the CLI and opens their link in a fresh browser context, landing on the checklist. */
async function signedInPage(name: string, role: string, path: string): Promise<Page> {
	const made = await cli(['invite', name, '--role', role], { HANDBOOK_DATA_DIR: h.dataDir, HANDBOOK_CONFIG: h.configFile, HANDBOOK_SITE_URL: h.url, HANDBOOK_ACTOR: 'Lead Person' });
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
	it('a facilitator starts a run under their name; the decision and sign-off are not theirs, and the page says so; an approver signs off', async () => {
		const fay = await signedInPage('Fay Cole', 'facilitator', '/checklists/pre-workshop/');
		await fay.locator('[data-ref=new]').click();
		await fay.locator('#hb-run-new button[type=submit]').click();
		await expect.poll(() => fay.locator('[data-ref=live]').innerText(), patience).toBe('● live');
		const runId = new URL(fay.url()).searchParams.get('run')!;
		expect(runId).toMatch(/^\w+$/);
		expect((await h.api(`/api/runs/${runId}`)).body.run.createdBy).toBe('Fay Cole');

		// The decision is not the facilitator's: its controls are off and the page says whose it is
		// (the server refuses it too: test/security/roles.test.ts).
		await fay.locator('summary', { hasText: 'Go / no-go and sign-off' }).click();
		await expect.poll(() => fay.locator('[data-ref=decide] button[type=submit]').isDisabled(), patience).toBe(true);
		expect(await fay.locator('[data-ref=decide] input[value=no-go]').isDisabled()).toBe(true);
		expect(await text(fay.locator('[data-ref=decision]'))).toMatch(/The go \/ no-go and the sign-off need an approver; you are signed in as facilitator\.$/);

		const ana = await signedInPage('Ana Ruiz', 'approver', `/checklists/pre-workshop/?run=${runId}`);
		// Working the checklist is not the approver's: no new run, no ticking, with the reason.
		expect(await ana.locator('[data-ref=new]').isDisabled()).toBe(true);
		expect(await ana.locator('[data-ref=new]').getAttribute('title')).toBe('Changing the run needs a facilitator; you are signed in as approver');
		expect(await ana.locator('hb-item input[type=checkbox]').first().isDisabled()).toBe(true);
		await ana.locator('summary', { hasText: 'Go / no-go and sign-off' }).click();
		await ana.locator('[data-ref=decide] input[value=no-go]').check();
		await ana.locator('[data-ref=decide] button[type=submit]').click();
		await expect.poll(() => text(ana.locator('[data-ref=decision]')), patience).toMatch(/^Decision: NO-GO, recorded by Ana Ruiz on /);

		// Decided: the sign-off is still not the facilitator's, and its button says why.
		await expect.poll(() => text(fay.locator('[data-ref=decision]')), patience).toMatch(/^Decision: NO-GO, recorded by Ana Ruiz on .*need an approver; you are signed in as facilitator\.$/);
		expect(await fay.locator('[data-ref=sign-off]').isDisabled()).toBe(true);
		expect(await fay.locator('[data-ref=sign-off]').getAttribute('title')).toBe('The go / no-go and the sign-off need an approver; you are signed in as facilitator');
		expect((await h.api(`/api/runs/${runId}`)).body.run.signedOffAt).toBeNull();

		await ana.locator('[data-ref=sign-off]').click();
		await ana.locator('[data-ref=sign-off]').click();
		for (const p of [ana, fay]) {
			await expect.poll(() => p.locator('[data-ref=frozen]').isVisible(), patience).toBe(true);
			expect(await text(p.locator('[data-ref=frozen]'))).toMatch(/^Signed off by Ana Ruiz on .*This run is frozen/);
		}
	}, 90_000);
});
