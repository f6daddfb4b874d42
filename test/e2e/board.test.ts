import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { launchChromium, testOutput } from '../support/browser.ts';
import { startBoardTarget, writeBoardConfig, type BoardTarget } from '../support/board-targets.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// The workshop-day board as a wall display, read by an anonymous screen while a facilitator's
// browser (here: its API calls) runs the checks against a platform with one thing red.
const token = 'e2e-board-token-3f9a';
const patience = { timeout: 10_000 };
const longFailure = 'at or above 60%: ip-10-0-0-1.eu-west-2.compute.internal at 64%, ip-10-0-0-2.eu-west-2.compute.internal at 61% (limit 60% before the workshop)';
let target: BoardTarget;
let server: RunningServer;
let browser: Browser;
let facilitator: APIRequestContext;
let runId = '';

async function runCheck(checkId: string): Promise<void> {
	const res = await facilitator.post(`${server.url}/api/runs/${runId}/checks/${checkId}`, { data: {} });
	expect(res.status(), await res.text()).toBe(200);
}

/** Elements whose text is cut: wider than their box (an ellipsis or a clip), or outside the viewport. */
function clipped(page: Page, selector: string) {
	return page.evaluate((sel) => {
		const out: string[] = [];
		for (const node of document.querySelectorAll<HTMLElement>(sel)) {
			if (!node.offsetParent) continue;
			const box = node.getBoundingClientRect();
			if (node.scrollWidth > node.clientWidth + 1 || box.right > document.documentElement.clientWidth + 1 || box.left < -1) out.push(`${sel}: "${node.textContent?.slice(0, 40)}" (${node.scrollWidth} > ${node.clientWidth}, right ${box.right})`);
		}
		return out;
	}, selector);
}

beforeAll(async () => {
	target = await startBoardTarget();
	target.answers.set('/workspace-failures', [503, '7.5% of builds failed over the last 30 minutes (limit 2%, 5% is red): 3 of 40 builds']);
	target.answers.set('/workspace-restarts', [429, '2 restarts in 10 minutes: ws-ana: 1, ws-bo: 1']);
	target.answers.set('/node-ephemeral-storage/eu-west-2', [503, longFailure]);
	target.answers.set('/node-ephemeral-storage/us-east-2', [200, 'fullest ip-10-0-3-17 at 41%']);
	target.answers.set('/node-ephemeral-storage/us-west-2', [200, 'fullest ip-10-0-4-2 at 38%']);
	const dir = mkdtempSync(join(tmpdir(), 'handbook-e2e-board-'));
	server = await startServer({ HANDBOOK_CONFIG: writeBoardConfig(dir, target), HANDBOOK_DATA_DIR: dir, HANDBOOK_FACILITATOR_TOKEN: token });
	browser = await launchChromium();
	facilitator = (await browser.newContext()).request;
	expect((await facilitator.post(`${server.url}/api/session`, { data: { token, name: 'On-call' } })).status()).toBe(200);
	const started = await facilitator.post(`${server.url}/api/runs`, { data: { checklist: 'workshop-day', workshop: '2026-12' } });
	expect(started.status(), await started.text()).toBe(201);
	runId = ((await started.json()) as { run: { id: string } }).run.id;
	for (const id of ['concurrent-workspaces', 'workspace-failures', 'workspace-restarts', 'provisioner-queue', 'node-ephemeral-storage']) await runCheck(id);
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await target?.stop();
});

describe('the workshop-day board as a wall display', () => {
	it('shows every watched check in full, a region grid, ages and a red banner with the runbooks, with no page chrome (1920×1080)', async () => {
		// The screen in the room is signed in as a facilitator: anonymous readers see statuses only
		// (no messages of facilitator-only checks), see the phone test below.
		const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' });
		expect((await context.request.post(`${server.url}/api/session`, { data: { token, name: 'Wall' } })).status()).toBe(200);
		const page = await context.newPage();
		const errors: string[] = [];
		page.on('pageerror', (e) => errors.push(e.message));
		expect((await page.goto(`${server.url}/board/workshop-day/`))?.status()).toBe(200);
		const row = (id: string) => page.locator(`[data-board-check=${id}]`);
		await expect.poll(() => row('workspace-failures').locator('> .hb-status').innerText(), patience).toBe('fail');
		expect(await row('concurrent-workspaces').locator('> .hb-status').innerText()).toBe('pass');
		expect(await row('workspace-restarts').locator('> .hb-status').innerText()).toBe('warn');

		// Titles and reasons in full: the 64 % is on screen, nothing ellipsised.
		expect(await row('workspace-failures').locator('.hb-board__message').innerText()).toBe('7.5% of builds failed over the last 30 minutes (limit 2%, 5% is red): 3 of 40 builds');
		const regions = row('node-ephemeral-storage').locator('.hb-board__regions > li');
		expect(await regions.count()).toBe(3);
		expect(await regions.allInnerTexts()).toEqual([
			`eu-west-2\nfail\n${longFailure}`,
			'us-east-2\npass\nfullest ip-10-0-3-17 at 41%',
			'us-west-2\npass\nfullest ip-10-0-4-2 at 38%',
		]);
		expect(await clipped(page, '.hb-board__item, .hb-board__message, .hb-board__region-message, .hb-board__alert li')).toEqual([]);

		// While anything is red: a banner naming each red check with its runbook.
		const alert = page.locator('.hb-board__alert');
		expect(await alert.isVisible()).toBe(true);
		expect(await alert.locator('h2').innerText()).toBe('2 checks are red: open their runbooks');
		expect(await alert.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['/incidents/provisioner-failure/#diagnosis', '/incidents/workspace-restart-loop/#mitigation']);

		// Time since the last re-run, for each check and the board.
		expect(await row('concurrent-workspaces').locator('time').innerText()).toMatch(/^re-run (just now|\d+ s ago)$/);
		expect(await page.locator('.hb-board__last').innerText()).toMatch(/^last re-run /);
		// Large type, no page chrome, live over SSE.
		expect(await page.locator('.hb-board__item').first().evaluate((a) => parseFloat(getComputedStyle(a).fontSize))).toBeGreaterThanOrEqual(24);
		expect(await page.locator('header.header, nav.sidebar, .sidebar-pane, starlight-menu-button').count()).toBe(0);
		await expect.poll(() => page.locator('.hb-wall__live').innerText(), patience).toBe('● live');
		expect(await page.locator('.hb-wall__context').innerText()).toMatch(/^Local test platform · workshop 2026-12 started /);
		await page.screenshot({ path: join(testOutput, 'board-wall-1920x1080.png') });

		// It stays live: a re-run elsewhere turns a check red here, and green again.
		target.answers.set('/provisioner-queue', [503, 'p95 queue wait 138 s']);
		await runCheck('provisioner-queue');
		await expect.poll(() => row('provisioner-queue').locator('> .hb-status').innerText(), patience).toBe('fail');
		await expect.poll(() => alert.locator('h2').innerText(), patience).toBe('3 checks are red: open their runbooks');
		target.answers.set('/provisioner-queue', [200, 'p95 queue wait 4 s']);
		await runCheck('provisioner-queue');
		await expect.poll(() => row('provisioner-queue').locator('> .hb-status').innerText(), patience).toBe('pass');
		expect(errors).toEqual([]);
	}, 60_000);

	it('reads on a 390 px phone: nothing cut, nothing off-screen, no sideways scrolling', async () => {
		const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'light', isMobile: true, hasTouch: true })).newPage();
		expect((await page.goto(`${server.url}/board/workshop-day/`))?.status()).toBe(200);
		await expect.poll(() => page.locator('[data-board-check=workspace-failures] > .hb-status').innerText(), patience).toBe('fail');
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		expect(await clipped(page, '.hb-board__item, .hb-board__message, .hb-board__region-message, .hb-board__region, .hb-board__alert li, .hb-status, .hb-board__runbook')).toEqual([]);
		// The title as the page shows it, the threshold rendered from the check's rules.
		expect(await page.locator('[data-board-check=node-ephemeral-storage] .hb-board__item').innerText()).toBe('Ephemeral storage under 60% on every node');
		// An anonymous phone sees every status, not the messages of facilitator-only checks.
		expect(await page.locator('[data-board-check=workspace-failures] .hb-board__message').innerText()).toBe('');
		await page.screenshot({ path: join(testOutput, 'board-wall-390x844.png'), fullPage: true });
	}, 30_000);

	it('on the checklist page at 390 px, shows the board titles in full (not cut to a few characters), and links to the wall display', async () => {
		const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
		expect((await page.goto(`${server.url}/checklists/workshop-day/?run=${runId}`))?.status()).toBe(200);
		await expect.poll(() => page.locator('hb-run [data-board-check=workspace-failures] > .hb-status').innerText(), patience).toBe('fail');
		const titles = await page.locator('hb-run .hb-board__item').allInnerTexts();
		expect(titles).toContain('Workspace build failure rate over the last 30 minutes below 2%');
		expect(await clipped(page, 'hb-run .hb-board__item, hb-run .hb-board__message, hb-run .hb-board__region-message')).toEqual([]);
		expect(await page.locator('hb-run a.hb-board__wall-link').getAttribute('href')).toBe('/board/workshop-day/');
		await page.locator('hb-run').screenshot({ path: join(testOutput, 'board-panel-390x844.png') });
	}, 30_000);

	it('shows a failing checklist at desktop width (screenshot)', async () => {
		const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
		expect((await page.goto(`${server.url}/checklists/workshop-day/?run=${runId}`))?.status()).toBe(200);
		await expect.poll(() => page.locator('#item-workspace-failures .hb-status').first().innerText(), patience).toBe('fail');
		await page.locator('#item-workspace-failures').scrollIntoViewIfNeeded();
		await page.screenshot({ path: join(testOutput, 'failing-checklist.png') });
		await page.goto(`${server.url}/checklists/workshop-day/?run=${runId}`);
		await expect.poll(() => page.locator('hb-run [data-board-check=workspace-failures] > .hb-status').innerText(), patience).toBe('fail');
		await page.screenshot({ path: join(testOutput, 'failing-checklist-board.png') });
	}, 30_000);
});
