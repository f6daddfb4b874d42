import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { siteInChromium, testOutput } from '../support/browser.ts';

const { open } = siteInChromium();

describe('in Chromium', () => {
	it('opens the home page without console errors', async () => {
		const { page, errors } = await open('/');
		expect(await page.title()).toContain('Workshop Handbook');
		await page.screenshot({ path: join(testOutput, 'home.png'), fullPage: true });
		expect(errors).toEqual([]);
		expect(existsSync(join(testOutput, 'home.png'))).toBe(true);
	});

	it('opens the pre-workshop checklist without console errors, checks listed', async () => {
		const { page, errors } = await open('/checklists/pre-workshop/');
		expect(await page.locator('[data-check-id="litellm-key-expiry"]').count()).toBeGreaterThan(0);
		await page.screenshot({ path: join(testOutput, 'pre-workshop-checklist.png'), fullPage: true });
		expect(errors).toEqual([]);
	});

	it.each(['LiteLLM', 'ImagePullBackOff'])('finds "%s" with the site search', async (term) => {
		const { page } = await open('/');
		await page.click('button[data-open-modal]');
		await page.fill('.pagefind-ui__search-input', term);
		const results = page.locator('.pagefind-ui__result');
		await results.first().waitFor({ timeout: 10_000 });
		expect(await results.count()).toBeGreaterThan(0);
		await page.close();
	});
});
