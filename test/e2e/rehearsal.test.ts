import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, testOutput } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// The shipped config, whose targets are the real platform: a rehearsal must never reach them,
// and on this machine it could not.
const token = 'e2e-rehearsal-token-5d2e';
const patience = { timeout: 10_000 };
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
	server = await startServer({ HANDBOOK_DATA_DIR: mkdtempSync(join(tmpdir(), 'handbook-e2e-rehearsal-')), HANDBOOK_FACILITATOR_TOKEN: token });
	browser = await launchChromium();
	page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

describe('a tabletop rehearsal in Chromium', () => {
	it('starts from the runbook page, answers scripted outcomes and shows a banner on every page', async () => {
		const runbook = '/incidents/workspace-restart-loop/';
		await page.goto(server.url + runbook);
		await expect.poll(() => page.locator('[data-ref=who]').innerText(), patience).not.toBe('');
		await page.locator('summary', { hasText: 'Sign in as a facilitator' }).click();
		await page.locator('input[name=token]').fill(token);
		await page.locator('input[name=name]').fill('IC');
		await page.locator('[data-ref=sign-in] button[type=submit]').click();
		await expect.poll(() => page.locator('[data-ref=who]').innerText(), patience).toBe('Signed in as IC.');

		await page.locator('[data-ref=new]').click();
		await page.locator('#hb-run-new select[name=scenario]').selectOption('workspace-restart-loop');
		await page.locator('#hb-run-new button[type=submit]').click();
		await expect.poll(() => page.locator('[data-ref=run] option:checked').innerText(), patience).toMatch(/^rehearsal: workspace-restart-loop · /);

		// The +0m inject scripts key-rotation-paused: the check answers it without probing anything.
		await page.locator('#item-key-rotation-paused button', { hasText: 'Run' }).first().click();
		await expect.poll(() => page.locator('#item-key-rotation-paused .hb-item__message').innerText(), patience).toBe('rehearsal: litellm-key-rotator is scaled to 0');
		const runId = new URL(page.url()).searchParams.get('run')!;
		expect(runId).toBeTruthy();

		// On the page where it is worked: the banner, a running clock and the injects so far, open.
		const here = page.locator('#hb-rehearsal');
		await expect.poll(() => here.isVisible(), patience).toBe(true);
		expect(await here.innerText()).toMatch(/^Rehearsal in progress \(Restarts on one full node\)\. Checks return the scenario's scripted outcomes/);
		expect(await here.locator('details').getAttribute('open')).not.toBeNull();
		expect(await here.locator('summary').innerText()).toBe('Injects so far: 2 of 7');
		expect(await here.locator('ol li').allInnerTexts()).toEqual([expect.stringMatching(/^\+00:00 Inject \(participant report\): /), '+00:00 Inject: key-rotation-paused turns pass: litellm-key-rotator is scaled to 0']);
		const clock = () => here.locator('time').innerText();
		const first = await clock();
		expect(first).toMatch(/^\+00:\d\d$/);
		await expect.poll(clock, patience).not.toBe(first);
		await page.evaluate(() => window.scrollTo(0, 0));
		await page.screenshot({ path: join(testOutput, 'rehearsal-on-its-page.png') });

		// Anyone who opens the run sees it too, signed in or not.
		const reader = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
		await reader.goto(`${server.url}${runbook}?run=${runId}`);
		await expect.poll(() => reader.locator('#hb-rehearsal').isVisible(), patience).toBe(true);
		expect(await reader.locator('#hb-rehearsal summary').innerText()).toBe('Injects so far: 2 of 7');
		expect(await reader.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await reader.close();

		// Every page of this browser now says a rehearsal is on, and links to the run and its report.
		await page.goto(server.url + '/participants/guide/');
		const banner = page.locator('#hb-rehearsal');
		await expect.poll(() => banner.isVisible(), patience).toBe(true);
		expect(await banner.innerText()).toMatch(/Rehearsal in progress \(Restarts on one full node\)\. Checks return the scenario's scripted outcomes/);
		expect(await banner.locator('details').getAttribute('open')).toBeNull();
		await page.screenshot({ path: join(testOutput, 'rehearsal-banner.png') });
		expect(await banner.locator('a', { hasText: 'Open the run' }).getAttribute('href')).toBe(`${runbook}?run=${runId}`);

		// The report opens in the site's layout, reads as of now (actions not yet due are pending),
		// and attributes the injects to the scenario; the Markdown stays for export.
		await banner.locator('a', { hasText: 'After-action report' }).click();
		await page.waitForURL(`**/rehearsals/${runId}/report/`);
		expect(await page.locator('h1').innerText()).toBe('After-action report: Restarts on one full node');
		expect(await page.locator('header.header').count()).toBe(1);
		const body = await page.locator('main').innerText();
		expect(body).toMatch(/still under way/);
		expect(body).toMatch(/Pending actions/);
		expect(body).toMatch(/scenario workspace-restart-loop \(participant report\)/);
		expect(body).not.toMatch(/\bfacilitator\s*$/m);
		expect(await page.locator('.hb-table-region[role=region][tabindex="0"]').count()).toBeGreaterThan(0);
		await page.screenshot({ path: join(testOutput, 'rehearsal-report.png') });
		const markdownHref = await page.locator('a', { hasText: 'Download as Markdown' }).getAttribute('href');
		const report = await (await page.request.get(server.url + markdownHref!)).text();
		expect(report).toMatch(/^# After-action report: /);
		expect(report).toMatch(/Ran `key-rotation-paused`: pass/);
		expect(report).toMatch(/\(`workspace-restarts`\) \| \+4m \| — \| — \| pending \|/);
		expect((await page.request.get(`${server.url}/rehearsals/no-such-run/report/`)).status()).toBe(404);

		await page.goto(server.url + '/participants/guide/');
		await expect.poll(() => banner.isVisible(), patience).toBe(true);
		await banner.locator('button', { hasText: 'Leave the rehearsal' }).click();
		await page.reload();
		expect(await page.locator('#hb-rehearsal').isHidden()).toBe(true);
	});
});
