import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from './server.ts';
import { root } from './site.ts';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const testOutput = join(root, 'test-results');

/** Launches Debian's Chromium headless, as root-safe and offline as this machine needs. */
export async function launchChromium(): Promise<Browser> {
	if (!existsSync(chromiumPath)) {
		throw new Error(`Chromium not found at ${chromiumPath}: install it with \`apt-get install -y chromium\` (.ci/run does) or set CHROMIUM_PATH.`);
	}
	mkdirSync(testOutput, { recursive: true });
	return chromium.launch({
		executablePath: chromiumPath,
		args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
	});
}

/**
 * Opens a page (expecting 200) and collects what went wrong while it loaded: console errors,
 * uncaught exceptions, failed requests and responses of 400 or more, each with its URL.
 */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
	const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	const errors: string[] = [];
	// Resource errors are reported with their URL by the response listener below.
	page.on('console', (msg) => msg.type() === 'error' && !msg.text().startsWith('Failed to load resource') && errors.push(msg.text()));
	page.on('pageerror', (err) => errors.push(err.message));
	page.on('requestfailed', (req) => errors.push(`${req.url()} ${req.failure()?.errorText}`));
	page.on('response', (res) => res.status() >= 400 && errors.push(`${res.status()} ${res.url()}`));
	const res = await page.goto(url, { waitUntil: 'networkidle' });
	expect(res?.status()).toBe(200);
	return { page, errors };
}

/**
 * The built handbook (started as `npm start` does) and Chromium for the tests of one file, with
 * `open(path)` loading a page of it as `openPage` does. Call at the top of the file: it registers
 * its own beforeAll / afterAll.
 *
 * @example
 * const { open } = siteInChromium(); const { page, errors } = await open('/');
 */
export function siteInChromium(env: Record<string, string> = {}) {
	let server: RunningServer | undefined;
	let browser: Browser | undefined;
	beforeAll(async () => {
		server = await startServer(env);
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});
	return {
		/** Opens a page of the running handbook, collecting what went wrong while it loaded. */
		open: (path: string) => openPage(browser!, server!.url + path),
	};
}
