import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, testOutput } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// The workshop loop on 390 px phones: a participant asks for help and sends feedback, a
// facilitator's board shows the request live and the helper resolves it, and an incident is
// declared from a runbook page, updated and resolved.
const token = 'e2e-loop-token-8c3a';
const month = '2026-12';
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const patience = { timeout: 15_000 };
let server: RunningServer;
let browser: Browser;
let helperContext: BrowserContext;
let participantContext: BrowserContext;
let board: Page;
let guide: Page;
const errors: string[] = [];

function watch(page: Page, who: string): Page {
	page.on('pageerror', (err) => errors.push(`${who}: ${err.message}`));
	page.on('console', (msg) => msg.type() === 'error' && !msg.text().startsWith('Failed to load resource') && errors.push(`${who}: ${msg.text()}`));
	return page;
}

/** Nothing wider than the phone: no sideways scrolling. */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

beforeAll(async () => {
	server = await startServer({ HANDBOOK_DATA_DIR: mkdtempSync(join(tmpdir(), 'handbook-e2e-loop-')), HANDBOOK_FACILITATOR_TOKEN: token });
	browser = await launchChromium();
	helperContext = await browser.newContext(phone);
	participantContext = await browser.newContext(phone);
	const signIn = await helperContext.request.post(`${server.url}/api/session`, { data: { token, name: 'Helper Hana' }, headers: { origin: server.url } });
	expect(signIn.status()).toBe(200);
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

describe('the workshop loop on a phone', () => {
	let code = '';

	it('a facilitator opens the workshop from the board and gets a code to show', async () => {
		board = watch(await helperContext.newPage(), 'board');
		await board.goto(`${server.url}/checklists/workshop-day/?workshop=${month}`);
		const open = board.locator('hb-workshop-board [data-open]');
		await open.waitFor(patience);
		await open.click();
		await expect.poll(() => board.locator('hb-workshop-board [data-code]').innerText(), patience).toMatch(/^[A-Z2-9]{6}$/);
		code = await board.locator('hb-workshop-board [data-code]').innerText();
		expect(await board.locator('hb-workshop-board [data-code-state]').innerText()).toMatch(/^Open until /);
	});

	it('a participant sends a help request, and the board shows it live as text', async () => {
		guide = watch(await participantContext.newPage(), 'participant');
		await guide.goto(`${server.url}/participants/guide/?workshop=${month}`);
		const form = guide.locator('hb-help-form form');
		await form.locator('input[name=code]').fill(code.toLowerCase());
		await form.locator('input[name=github]').fill('phone-pat');
		await form.locator('input[name=workspace]').fill('pat-ws');
		await form.locator('select[name=region]').selectOption('eu-west-2');
		await form.locator('textarea[name=description]').fill('Stuck on "Starting" <img src=x onerror="document.title=1">');
		await form.locator('textarea[name=error]').fill('Error: context deadline exceeded');
		await form.locator('button[type=submit]').click();
		await expect.poll(() => form.locator('.hb-loop__message').innerText(), patience).toMatch(/^Sent\./);
		await expect.poll(() => guide.locator('hb-help-form .hb-loop__list li').first().innerText(), patience).toMatch(/^Waiting for a helper/);

		const item = board.locator('hb-workshop-board [data-help-list] li', { hasText: 'phone-pat' });
		await expect.poll(() => item.count(), patience).toBe(1);
		expect(await item.innerText()).toContain('Stuck on "Starting" <img src=x onerror="document.title=1">');
		expect(await item.innerText()).toMatch(/waiting (under a minute|\d+ min)/);
		expect(await board.locator('hb-workshop-board [data-help-list] img').count()).toBe(0);
		await board.screenshot({ path: join(testOutput, 'loop-board-phone.png'), fullPage: false });
	});

	it('the helper claims and resolves it, and only its sender sees that', async () => {
		const item = board.locator('hb-workshop-board [data-help-list] li', { hasText: 'phone-pat' });
		await item.locator('button[data-action=claim]').click();
		await expect.poll(() => item.innerText(), patience).toMatch(/Helper Hana is on it/);
		await expect.poll(() => guide.locator('hb-help-form .hb-loop__list li').first().innerText(), patience).toMatch(/^A helper is on it/);
		await item.locator('input[data-follow-up]').check();
		await item.locator('button[data-action=resolve]').click();
		await expect.poll(() => item.count(), patience).toBe(0);
		expect(await board.locator('hb-workshop-board [data-help-count]').innerText()).toBe('(0 open, 1 resolved)');
		await expect.poll(() => guide.locator('hb-help-form .hb-loop__list li').first().innerText(), patience).toMatch(/^Resolved/);
		// Another participant's browser sees no request at all.
		const other = watch(await (await browser.newContext(phone)).newPage(), 'other participant');
		await other.goto(`${server.url}/participants/guide/?workshop=${month}`);
		expect(await other.locator('hb-help-form .hb-loop__mine').isHidden()).toBe(true);
		expect(await other.locator('hb-workshop-board').count()).toBe(0);
	});

	it('the participant sends feedback once, and the board counts it live', async () => {
		const form = guide.locator('hb-feedback-form form');
		expect(await form.locator('input[name=code]').inputValue()).toBe(code.toLowerCase());
		await form.locator('input[name=satisfaction][value="4"]').check();
		await form.locator('input[name=stability][value="3"]').check();
		await form.locator('input[name=content][value="5"]').check();
		await form.locator('input[name=support][value="5"]').check();
		await form.locator('input[name=completed][value=yes]').check();
		await form.locator('textarea[name=worked]').fill('The helper came within minutes');
		await form.locator('textarea[name=blocked]').fill('Workspace start was slow');
		await form.locator('button[type=submit]').click();
		await expect.poll(() => form.locator('.hb-loop__message').innerText(), patience).toBe('Thank you: your feedback for this workshop is in.');
		await expect.poll(() => board.locator('[data-fb=responses]').innerText(), patience).toBe('1');
		expect(await board.locator('[data-fb=satisfaction]').innerText()).toBe('4 / 5');
		expect(await board.locator('[data-fb=completion]').innerText()).toBe('100%');
		expect(await overflow(guide)).toBeLessThanOrEqual(0);
		await guide.screenshot({ path: join(testOutput, 'loop-guide-phone.png'), fullPage: false });
		await guide.reload();
		await expect.poll(() => guide.locator('hb-feedback-form .hb-loop__message').innerText(), patience).toBe('Thank you: your feedback for this workshop is in.');
		expect(await guide.locator('hb-feedback-form button[type=submit]').isDisabled()).toBe(true);
	});

	it('an incident is declared from a runbook page, updated with the runbook\'s participant message, and resolved', async () => {
		const runbook = watch(await helperContext.newPage(), 'runbook');
		await runbook.goto(`${server.url}/incidents/image-pull-failure/?workshop=${month}`);
		const panel = runbook.locator('hb-incident-panel');
		await panel.locator('summary', { hasText: 'Declare an incident' }).click();
		expect(await panel.locator('select[name=severity]').inputValue()).toBe('P1');
		await panel.locator('.hb-loop__declare button[type=submit]').click();
		await expect.poll(() => panel.locator('.hb-loop__message').innerText(), patience).toBe('commander: an incident commander is required for P1');
		await panel.locator('input[name=commander]').fill('Ian');
		await panel.locator('.hb-loop__declare button[type=submit]').click();
		const item = panel.locator('[data-list] li[data-incident]');
		await expect.poll(() => item.getAttribute('data-status'), patience).toBe('investigating');

		// The board's incident list shows it too, live.
		await expect.poll(() => board.locator('hb-incident-panel [data-list] li[data-incident]').count(), patience).toBe(1);

		await item.locator('select[name=status]').selectOption('identified');
		await item.locator('textarea[name=note]').fill('Real World App tag missing from the mirror');
		await item.locator('select[name=template]').selectOption('0');
		const message = await item.locator('textarea[name=message]').inputValue();
		expect(message).toMatch(/\$WHAT_TO_DO_NOW|\$/);
		await item.locator('button[type=submit]').click();
		await expect.poll(() => panel.locator('[data-list] li[data-incident]').getAttribute('data-status'), patience).toBe('identified');
		await panel.locator('[data-list] li[data-incident] button[data-resolve]').click();
		await expect.poll(() => panel.locator('[data-list] li[data-incident]').getAttribute('data-status'), patience).toBe('resolved');
		expect(await panel.locator('[data-list] li[data-incident] [data-meta]').innerText()).toMatch(/^resolved after [\d.]+ min · IC Ian/);
		await panel.locator('[data-list] li[data-incident] details[data-timeline] summary').click();
		await expect.poll(() => panel.locator('.hb-loop__timeline li').count(), patience).toBe(3);
		expect(await panel.locator('.hb-loop__timeline').innerText()).toContain('Real World App tag missing from the mirror');
		expect(await overflow(runbook)).toBeLessThanOrEqual(0);
		await runbook.screenshot({ path: join(testOutput, 'loop-incident-phone.png'), fullPage: false });

		const stored = await (await helperContext.request.get(`${server.url}/api/incidents?workshop=${month}`)).json();
		expect(stored.incidents).toHaveLength(1);
		expect(stored.incidents[0]).toMatchObject({ severity: 'P1', commander: 'Ian', runbook: '/incidents/image-pull-failure/', status: 'resolved', declaredBy: 'Helper Hana' });
		expect(stored.incidents[0].updates[1]).toMatchObject({ status: 'identified', message });
		expect(stored.incidents[0].followUp).toBe(true);
		const help = await (await helperContext.request.get(`${server.url}/api/help?workshop=${month}`)).json();
		expect(help.help[0]).toMatchObject({ github: 'phone-pat', state: 'resolved', resolvedBy: 'Helper Hana', followUp: true });
	});

	it('had no script errors on any page', () => {
		expect(errors).toEqual([]);
	});
});
