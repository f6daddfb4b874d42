import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { siteInChromium, testOutput } from '../support/browser.ts';

const { open } = siteInChromium();

describe('the capacity planner in Chromium', () => {
	it('updates as the inputs change', async () => {
		const { page, errors } = await open('/planning/capacity/');
		const planner = page.locator('hb-capacity-planner');
		await planner.and(page.locator('[data-ready]')).waitFor();
		const out = (name: string) => planner.locator(`[data-out="${name}"]`);
		const row = (name: string) => planner.locator(`[data-row="${name}"]`);

		// The worked example on 7 nodes: enough on totals, not in whole workspaces.
		await expect.poll(() => out('verdict').textContent()).toBe('Not enough: 7 nodes are too few for 15 workspaces, because they hold 21 whole workspaces, 28.6% spare where 30% is needed. Plan for 8 nodes.');
		expect(await row('slots').getAttribute('data-state')).toBe('fail');

		await page.getByLabel('Nodes', { exact: true }).fill('8');
		await expect.poll(() => out('verdict').textContent()).toBe('Enough: 8 nodes hold 15 workspaces with 50% headroom.');
		expect(await row('slots').getAttribute('data-state')).toBe('ok');
		expect(await out('headroom').textContent()).toMatch(/^50% \(limited by cpu/);

		// More people: the capacity table moves to the 21-30 row (a range: floor and recommendation), the need grows with the template.
		await page.getByLabel('Expected concurrent users').fill('25');
		await expect.poll(() => out('provisioners').textContent()).toBe('12 at least, 15 recommended');
		expect(await out('litellm').textContent()).toBe('6 at least, 8 recommended');
		expect(await out('cpu').textContent()).toBe('100 vCPU');
		expect(await out('recommended').textContent()).toBe('12 nodes');
		expect(await row('headroom').getAttribute('data-state')).toBe('fail');

		// A smaller template halves the need.
		await page.getByLabel('CPU in vCPU', { exact: true }).fill('2');
		await page.getByLabel('Memory in GiB', { exact: true }).fill('4');
		await expect.poll(() => out('cpu').textContent()).toBe('50 vCPU');
		expect(await out('memory').textContent()).toBe('100 GiB');

		// An emptied field is named, not reported as NaN.
		await page.getByLabel('Expected concurrent users').fill('');
		await expect.poll(() => out('verdict').textContent()).toBe('Cannot plan yet: expected concurrent users is empty: enter a number.');
		await page.getByLabel('Expected concurrent users').fill('25');

		await planner.screenshot({ path: join(testOutput, 'capacity-planner.png') });
		expect(errors).toEqual([]);
		await page.close();
	});
});

describe('the trends page in Chromium', () => {
	it('renders every chart without console errors', async () => {
		const { page, errors } = await open('/records/trends/');
		expect(await page.locator('svg.hb-trend').count()).toBeGreaterThan(10);
		expect(await page.locator('svg.hb-trend').first().locator('.hb-trend__point').count()).toBe(2);
		await page.screenshot({ path: join(testOutput, 'trends.png'), fullPage: true });
		expect(errors).toEqual([]);
		await page.close();
	});
});
