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

		// Every page now says a rehearsal is on, and links to the run and its report.
		await page.goto(server.url + '/participants/guide/');
		const banner = page.locator('#hb-rehearsal');
		await expect.poll(() => banner.isVisible(), patience).toBe(true);
		expect(await banner.innerText()).toMatch(/Rehearsal in progress \(workspace-restart-loop\)\. Checks return the scenario's scripted outcomes/);
		await page.screenshot({ path: join(testOutput, 'rehearsal-banner.png') });
		const reportHref = await banner.locator('a', { hasText: 'After-action report' }).getAttribute('href');
		const report = await (await page.request.get(server.url + reportHref!)).text();
		expect(report).toMatch(/^# After-action report: /);
		expect(report).toMatch(/Ran `key-rotation-paused`: pass/);

		await banner.locator('button', { hasText: 'Leave the rehearsal' }).click();
		await page.reload();
		expect(await page.locator('#hb-rehearsal').isHidden()).toBe(true);
	});
});
