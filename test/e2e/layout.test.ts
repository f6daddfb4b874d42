import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations } from '../support/axe.ts';
import { launchChromium, testOutput } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// Every page type at a laptop's and a phone's width: the page never scrolls sideways, and
// whatever scrolls inside it (wide tables, code) is a region a keyboard can reach.
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
	server = await startServer({ HANDBOOK_DATA_DIR: mkdtempSync(join(tmpdir(), 'handbook-e2e-layout-')), HANDBOOK_FACILITATOR_TOKEN: 'e2e-layout-token-22d4' });
	browser = await launchChromium();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

const paths = ['/', '/participants/guide/', '/participants/troubleshooting/', '/facilitators/guide/', '/checklists/pre-workshop/', '/checklists/workshop-day/', '/board/workshop-day/', '/incidents/', '/incidents/workspace-restart-loop/', '/planning/capacity/', '/records/trends/', '/records/retrospective-template/', '/records/retros/example-2026-11/', '/launch/operations/', '/tabletop/workspace-restart-loop/', '/tabletop/resource-contention/'];

/** Elements wider than the viewport that are not inside a scroll container: they push the page sideways. */
function overflowing(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const width = document.documentElement.clientWidth;
		const out: string[] = [];
		for (const el of document.querySelectorAll<HTMLElement>('body *')) {
			const box = el.getBoundingClientRect();
			if (box.width === 0 || box.right <= width + 1) continue;
			let scroller = el.parentElement;
			while (scroller && !['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(scroller).overflowX)) scroller = scroller.parentElement;
			if (scroller && scroller !== document.body && scroller !== document.documentElement) continue;
			// The culprit, not its ancestors: an element none of whose children sticks out.
			if ([...el.children].some((c) => c.getBoundingClientRect().right > width + 1)) continue;
			out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} (right ${Math.round(box.right)} > ${width})`);
		}
		return out.slice(0, 5);
	});
}

describe.each([
	[1280, 900],
	[390, 844],
] as const)('at %i px', (width, height) => {
	it('no page scrolls sideways, and every inner scroll region is reachable by keyboard', async () => {
		const context = await browser.newContext({ viewport: { width, height }, isMobile: width < 500 });
		const page = await context.newPage();
		const problems: string[] = [];
		for (const path of paths) {
			expect((await page.goto(server.url + path, { waitUntil: 'networkidle' }))?.status(), path).toBe(200);
			const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
			if (scrollWidth > width) problems.push(`${path}: the page is ${scrollWidth} px wide: ${(await overflowing(page)).join(', ')}`);
			for (const v of await axeViolations(page, ['serious', 'critical'], ['scrollable-region-focusable'])) problems.push(`${path}: ${v.rule} at ${v.target}`);
		}
		await context.close();
		expect(problems).toEqual([]);
	}, 120_000);
});

describe('wide tables', () => {
	it('scroll inside a named, focusable region on a phone: the tabletop injects and the trends tables', async () => {
		const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
		await page.goto(`${server.url}/tabletop/workspace-restart-loop/`, { waitUntil: 'networkidle' });
		const injects = page.locator('.hb-table-region', { has: page.locator('th', { hasText: 'Inject' }) }).first();
		expect(await injects.getAttribute('role')).toBe('region');
		expect(await injects.getAttribute('tabindex')).toBe('0');
		expect(await injects.getAttribute('aria-label')).toMatch(/\(table\)$/);
		// It really scrolls, and a keyboard scrolls it.
		expect(await injects.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
		await injects.focus();
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('ArrowRight');
		await expect.poll(() => injects.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
		await injects.screenshot({ path: join(testOutput, 'tabletop-injects-390.png') });

		await page.goto(`${server.url}/records/trends/`, { waitUntil: 'networkidle' });
		const standing = page.locator('.hb-table-region[aria-label="Where we stand (table)"]');
		expect(await standing.getAttribute('tabindex')).toBe('0');
		// The last column (State) is reachable: inside the region, by scrolling it.
		const state = standing.locator('thead th').last();
		expect(await state.innerText()).toBe('State');
		await state.scrollIntoViewIfNeeded();
		const box = (await state.boundingBox())!;
		expect(box.x + box.width).toBeLessThanOrEqual(390);
	}, 60_000);
});
