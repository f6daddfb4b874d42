import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { extractChecklist } from '../../src/checklists/extract.ts';
import { launchChromium, testOutput } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { docsDir } from '../support/site.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

// The pre-workshop checklist against local loopback targets: a platform that answers /healthz, a
// gateway whose readiness fails, a command that warns, and two of the workshop-day board's checks.
const token = 'e2e-facilitator-token-7b1c';
let target: { url: string; port: number; stop: () => Promise<void> };
let server: RunningServer;
let env: Record<string, string>;
let browser: Browser;
let alice: BrowserContext;
let page: Page;
let runId = '';
/** How long a page may take to show what the server knows (a restarted server loads its config first). */
const patience = { timeout: 10_000 };

const items = extractChecklist(readFileSync(join(docsDir, 'checklists/pre-workshop.mdx'), 'utf8'), 'pre-workshop.mdx').items;
const itemId = (text: string) => items.find((i) => i.text.includes(text))!.id;
const supportItem = itemId('Support staff notified');

function writeConfig(dir: string): string {
	const file = join(dir, 'handbook.config.ts');
	const http = (id: string, title: string, path: string, runbook: string, extra: Record<string, unknown> = {}) => ({
		id,
		title,
		kind: 'http',
		runbook,
		params: { url: `${target.url}${path}` },
		outcomes: [
			{ status: 'fail', when: 'status != 200', message: 'answered {status}: {body}' },
			{ status: 'pass', message: 'answered {body} in {durationMs} ms' },
		],
		...extra,
	});
	const config = {
		defaultEnvironment: 'local',
		environments: {
			local: {
				title: 'Local test targets',
				regions: [{ name: 'loopback', title: 'Loopback', host: '127.0.0.1', port: target.port, wildcard: '*.example.test', kubeContext: 'none', proxy: 'primary' }],
				coder: { url: target.url },
				// The platform's WebSocket the self-check opens besides the handbook's echo.
				selfCheck: { websocket: `ws://127.0.0.1:${target.port}/socket` },
			},
		},
		checks: [
			{ ...http('healthz', 'Platform answers /healthz', '/healthz', '/incidents/subdomain-routing-failure/#diagnosis'), perRegion: true, access: 'public', params: { url: 'http://{region.origin}/healthz' } },
			http('litellm-ready', 'LiteLLM gateway ready', '/ready', '/incidents/ai-gateway-auth-failure/#diagnosis'),
			{
				id: 'ecr-mirror-current',
				title: 'ECR mirror current',
				kind: 'command',
				runbook: '/incidents/image-pull-failure/#mitigation',
				params: { argv: [process.execPath, '-e', 'console.log("mirror sha256:ab12, source sha256:9f3c"); process.exit(2)'] },
				outcomes: [{ status: 'warn', when: 'exitCode == 2', message: 'said {stdout}' }, { status: 'pass', message: 'ok' }],
			},
			http('concurrent-workspaces', 'Running workspaces within capacity', '/healthz', '/incidents/resource-contention/#mitigation'),
			http('workspace-failures', 'Workspace build failures below 2%', '/failures', '/incidents/provisioner-failure/#diagnosis'),
		],
	};
	writeFileSync(file, `export default ${JSON.stringify(config, null, 2)};\n`);
	return file;
}

/** The platform stand-in: /healthz, a failing gateway and failure rate, and a WebSocket that opens. */
async function startTarget(): Promise<typeof target> {
	const server: Server = createServer((req, res) => {
		if (req.url === '/healthz') return void res.end('OK');
		res.statusCode = 503;
		res.end(req.url === '/ready' ? 'model backend bedrock unhealthy' : '7.5% of builds failed');
	});
	const sockets = new Set<import('node:stream').Duplex>();
	// The platform's WebSocket: it opens, as a real platform's does.
	const wss = new WebSocketServer({ noServer: true });
	server.on('upgrade', (req, socket, head) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
		wss.handleUpgrade(req, socket, head, () => {});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		stop: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
				// Upgraded sockets have left the HTTP server's books: end them too.
				for (const socket of sockets) socket.destroy();
			}),
	};
}

beforeAll(async () => {
	target = await startTarget();
	const dir = mkdtempSync(join(tmpdir(), 'handbook-e2e-'));
	env = { HANDBOOK_CONFIG: writeConfig(dir), HANDBOOK_DATA_DIR: dir, HANDBOOK_FACILITATOR_TOKEN: token };
	server = await startServer(env);
	browser = await launchChromium();
	alice = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
	page = await alice.newPage();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await target?.stop();
});

/** Opens the checklist page and waits until the run bar has loaded its state. */
async function openChecklist(p: Page, path = '/checklists/pre-workshop/'): Promise<void> {
	const errors: string[] = [];
	p.on('pageerror', (e) => errors.push(e.message));
	expect((await p.goto(server.url + path))?.status()).toBe(200);
	await expect.poll(() => p.locator('[data-ref=who]').innerText(), patience).not.toBe('');
	expect(errors).toEqual([]);
}

const status = (p: Page, id: string) => p.locator(`#item-${id} .hb-status`);
const text = (l: Locator) => l.innerText();

describe('a checklist run in Chromium', () => {
	it('lets a facilitator sign in, start a run, run all and see pass / warn / fail with observed values', async () => {
		await openChecklist(page);
		expect(await page.locator('[data-ref=who]').innerText()).toMatch(/Reading only/);
		expect(await page.locator('[data-ref=run-all]').isDisabled()).toBe(true);
		await page.locator('summary', { hasText: 'Sign in as a facilitator' }).click();
		await page.locator('input[name=token]').fill(token);
		await page.locator('input[name=name]').fill('Alice');
		await page.locator('[data-ref=sign-in] button[type=submit]').click();
		await expect.poll(() => text(page.locator('[data-ref=who]')), patience).toBe('Signed in as Alice.');

		await page.locator('[data-ref=new]').click();
		await page.locator('#hb-run-new input[name=workshop]').fill('2026-12');
		await page.locator('#hb-run-new button[type=submit]').click();
		await expect.poll(() => page.locator('[data-ref=live]').innerText(), patience).toBe('● live');
		runId = new URL(page.url()).searchParams.get('run')!;
		expect(runId).toMatch(/^\w+$/);
		expect(await page.locator('[data-ref=run] option:checked').innerText()).toMatch(/^2026-12 · .* · Alice$/);

		// A reader follows the run in another browser; nothing they look at may move as results arrive.
		const readerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const reader = await readerContext.newPage();
		await openChecklist(reader);
		await expect.poll(() => reader.locator('[data-ref=live]').innerText(), patience).toBe('● live');
		await reader.locator('#access').evaluate((h) => h.scrollIntoView());
		await reader.evaluate(() => {
			const w = window as unknown as { shifts: number };
			w.shifts = 0;
			new PerformanceObserver((list) => {
				for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) w.shifts += e.value;
			}).observe({ type: 'layout-shift' });
		});

		await page.locator('[data-ref=run-all]').click();
		await expect.poll(() => text(status(page, 'healthz')), { timeout: 15_000 }).toBe('pass');
		await expect.poll(() => text(status(reader, 'litellm-ready')), patience).toBe('fail');
		await expect.poll(() => text(status(reader, 'ecr-mirror-current')), patience).toBe('warn');
		// An anonymous reader sees the status of a facilitator-only check, not its message (issue 10).
		expect(await reader.locator('#item-litellm-ready').innerText()).not.toContain('answered 503');
		const shifts = () => reader.evaluate(() => (window as unknown as { shifts: number }).shifts);
		expect(await shifts()).toBeLessThan(0.001);
		// The measurement itself works: something that does move the page is seen.
		await reader.evaluate(() => document.querySelector('#access')!.before(Object.assign(document.createElement('div'), { style: 'height: 200px' })));
		await expect.poll(shifts, patience).toBeGreaterThan(0.01);
		await readerContext.close();
		await expect.poll(() => text(status(page, 'litellm-ready')), patience).toBe('fail');
		await expect.poll(() => text(status(page, 'ecr-mirror-current')), patience).toBe('warn');
		expect(await text(status(page, 'dns-records'))).toBe('not run');
		expect(await page.locator('#item-litellm-ready .hb-item__message').innerText()).toBe('answered 503: model backend bedrock unhealthy');
		expect(await page.locator('#item-healthz time').innerText()).toMatch(/just now|s ago/);

		// The details: observed values, the message, and the runbook of a red item.
		await page.locator('#item-litellm-ready .hb-item__more').click();
		const details = page.locator('#item-details-litellm-ready');
		expect(await details.isVisible()).toBe(true);
		const observed = (name: string) => details.locator(`tr:has(th:text-is("${name}")) td`).innerText();
		expect(await observed('status')).toBe('503');
		expect(await observed('body')).toBe('model backend bedrock unhealthy');
		expect(await details.innerText()).toMatch(/fail — answered 503: model backend bedrock unhealthy/);
		expect(await page.locator('#item-litellm-ready .hb-item__runbook').getAttribute('href')).toBe('/incidents/ai-gateway-auth-failure/#diagnosis');
		expect(await page.locator('#item-healthz .hb-item__runbook').isHidden()).toBe(true);

		// Progress and the computed go / no-go, failing items first.
		expect(await text(page.locator('[data-ref=verdict]'))).toBe('Computed: no-go');
		// What keeps it there, counted apart: the failing check, the checks not run, the open items, the warning.
		expect((await page.locator('[data-ref=tally] li').allInnerTexts()).map((t) => t.replace(/\d+/g, 'N'))).toEqual(['N failing', 'N checks not run', 'N items open', 'N warning']);
		await page.locator('[data-ref=blockers-box] summary').click();
		expect(await page.locator('[data-ref=blockers] li').first().innerText()).toMatch(/^fail LiteLLM gateway reports ready — answered 503/);
		expect(await text(page.locator('[data-ref=count]'))).toMatch(/^[12] \/ 54 done$/);
	}, 60_000);

	it('shows a tick and a recorded value made in one browser in another, live', async () => {
		const readerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		// A second facilitator: anonymous readers do not see recorded values (issue 10).
		expect((await readerContext.request.post(`${server.url}/api/session`, { data: { token, name: 'Bob' }, headers: { origin: server.url } })).status()).toBe(200);
		const reader = await readerContext.newPage();
		await openChecklist(reader);
		await expect.poll(() => reader.locator('[data-ref=live]').innerText(), patience).toBe('● live');
		expect(await reader.locator(`#item-${supportItem} .hb-item__tick`).isChecked()).toBe(false);

		// By keyboard only: Space ticks, typing and Tab records, Enter opens the details.
		await page.locator(`#item-${supportItem} .hb-item__tick`).focus();
		await page.keyboard.press('Space');
		const attendance = page.locator('input[data-field-name=expected-attendance]');
		await attendance.focus();
		await page.keyboard.type('18');
		await page.keyboard.press('Tab');
		await page.locator('#item-healthz .hb-item__more').focus();
		await page.keyboard.press('Enter');
		expect(await page.locator('#item-healthz .hb-item__more').getAttribute('aria-expanded')).toBe('true');
		expect(await page.locator('#item-details-healthz').innerText()).toMatch(/loopback: pass — answered OK in \d+ ms/);

		await expect.poll(() => reader.locator(`#item-${supportItem} .hb-item__tick`).isChecked(), patience).toBe(true);
		await expect.poll(() => reader.locator('input[data-field-name=expected-attendance]').inputValue(), patience).toBe('18');
		await expect.poll(() => reader.locator('[data-ref=announce]').innerText(), patience).toMatch(/Alice (ticked|recorded)/);
		await readerContext.close();
	}, 60_000);

	it('keeps everything across a reload', async () => {
		await openChecklist(page, `/checklists/pre-workshop/?run=${runId}`);
		await expect.poll(() => text(status(page, 'litellm-ready')), patience).toBe('fail');
		expect(await text(status(page, 'healthz'))).toBe('pass');
		expect(await text(status(page, 'ecr-mirror-current'))).toBe('warn');
		expect(await page.locator(`#item-${supportItem} .hb-item__tick`).isChecked()).toBe(true);
		expect(await page.locator('input[data-field-name=expected-attendance]').inputValue()).toBe('18');
		expect(await page.locator('[data-ref=who]').innerText()).toBe('Signed in as Alice.');
		// The plain URL opens the latest run of the environment: the same one.
		await openChecklist(page);
		await expect.poll(() => new URL(page.url()).searchParams.get('run'), patience).toBe(runId);
	}, 60_000);

	it('lets an anonymous reader see the run but not tick or record, only run public checks', async () => {
		const anonymous = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const reader = await anonymous.newPage();
		await openChecklist(reader);
		await expect.poll(() => text(status(reader, 'litellm-ready')), patience).toBe('fail');
		const tick = reader.locator(`#item-${itemId('Runbooks reachable by everyone')} .hb-item__tick`);
		expect(await tick.isDisabled()).toBe(true);
		expect(await tick.getAttribute('title')).toMatch(/Sign in as a facilitator/);
		expect(await reader.locator('input[data-field-name=workshop-date]').isDisabled()).toBe(true);
		expect(await reader.locator('[data-ref=run-all]').isDisabled()).toBe(true);
		expect(await reader.locator('[data-ref=new]').isDisabled()).toBe(true);
		expect(await reader.locator('#item-healthz .hb-item__run').isEnabled()).toBe(true);
		expect(await reader.locator('#item-litellm-ready .hb-item__run').isDisabled()).toBe(true);
		expect(await reader.locator('[data-ref=who]').innerText()).toMatch(/Reading only: sign in as a facilitator/);
		// Even a hand-made request is refused.
		const answer = await reader.evaluate(
			async ([run, item]) => (await fetch(`/api/runs/${run}/items/${item}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ checked: true }) })).status,
			[runId, itemId('Runbooks reachable by everyone')],
		);
		expect(answer).toBe(401);
		await anonymous.close();
	}, 60_000);

	it('saves screenshots of the checklist page in light and dark themes', async () => {
		await page.locator('[data-ref=blockers-box]').evaluate((d) => ((d as HTMLDetailsElement).open = true));
		await page.screenshot({ path: join(testOutput, 'checklist-light.png') });
		await page.screenshot({ path: join(testOutput, 'checklist-light-full.png'), fullPage: true });
		const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark', storageState: await alice.storageState() });
		const darkPage = await dark.newPage();
		await openChecklist(darkPage, `/checklists/pre-workshop/?run=${runId}`);
		await expect.poll(() => text(status(darkPage, 'litellm-ready')), patience).toBe('fail');
		expect(await darkPage.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
		await darkPage.locator('#item-litellm-ready .hb-item__more').click();
		await darkPage.locator('[data-ref=blockers-box]').evaluate((d) => ((d as HTMLDetailsElement).open = true));
		await darkPage.evaluate(() => window.scrollTo(0, 0));
		await darkPage.screenshot({ path: join(testOutput, 'checklist-dark.png') });
		await darkPage.locator('#access').evaluate((h) => h.scrollIntoView());
		await darkPage.screenshot({ path: join(testOutput, 'checklist-dark-items.png') });
		await page.locator('#access').evaluate((h) => h.scrollIntoView());
		await page.screenshot({ path: join(testOutput, 'checklist-light-items.png') });
		await dark.close();
	}, 60_000);

	it('records the decision, signs off, and then shows the run frozen everywhere', async () => {
		const watcherContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const watcher = await watcherContext.newPage();
		await openChecklist(watcher, `/checklists/pre-workshop/?run=${runId}`);
		await expect.poll(() => watcher.locator('[data-ref=live]').innerText(), patience).toBe('● live');

		await page.locator('summary', { hasText: 'Go / no-go and sign-off' }).click();
		expect(await page.locator('[data-ref=sign-off]').isDisabled()).toBe(true);
		expect(await page.locator('[data-ref=decide] input[value=no-go]').isChecked()).toBe(true);
		await page.locator('[data-ref=decide] textarea').fill('Blocker: LiteLLM readiness; escalated to the on-call engineer.');
		await page.locator('[data-ref=decide] button[type=submit]').click();
		await expect.poll(() => text(page.locator('[data-ref=decision]')), patience).toMatch(/^Decision: NO-GO, recorded by Alice on .*Note: Blocker: LiteLLM readiness/);
		await page.locator('[data-ref=sign-off]').click();
		expect(await text(page.locator('[data-ref=sign-off]'))).toMatch(/Confirm sign-off/);
		await page.locator('[data-ref=sign-off]').click();

		for (const p of [page, watcher]) {
			await expect.poll(() => p.locator('[data-ref=frozen]').isVisible(), patience).toBe(true);
			expect(await text(p.locator('[data-ref=frozen]'))).toMatch(/^Signed off by Alice on .*This run is frozen/);
		}
		expect(await page.locator(`#item-${supportItem} .hb-item__tick`).isDisabled()).toBe(true);
		expect(await page.locator('input[data-field-name=expected-attendance]').isDisabled()).toBe(true);
		expect(await page.locator('#item-healthz .hb-item__run').isDisabled()).toBe(true);
		expect(await page.locator('[data-ref=run-all]').isDisabled()).toBe(true);
		expect(await page.locator('[data-ref=run] option:checked').innerText()).toMatch(/signed off$/);
		const answer = await page.evaluate(
			async ([run, item]) => (await fetch(`/api/runs/${run}/items/${item}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ checked: false }) })).status,
			[runId, supportItem],
		);
		expect(answer).toBe(409);
		await watcherContext.close();
	}, 60_000);

	it('still shows the stored run after the server restarts', async () => {
		const port = Number(new URL(server.url).port);
		await server.stop();
		server = await startServer(env, port);
		await openChecklist(page, `/checklists/pre-workshop/?run=${runId}`);
		await expect.poll(() => text(status(page, 'litellm-ready')), patience).toBe('fail');
		expect(await page.locator('input[data-field-name=expected-attendance]').inputValue()).toBe('18');
		expect(await page.locator('[data-ref=frozen]').isVisible()).toBe(true);
	}, 60_000);

	it('re-runs the watched checks on the workshop-day board and links red ones to their runbook', async () => {
		await openChecklist(page, '/checklists/workshop-day/');
		await page.locator('[data-ref=new]').click();
		await page.locator('#hb-run-new button[type=submit]').click();
		const row = (id: string) => page.locator(`[data-board-check=${id}]`);
		// Never run in this new run, so due at once: the board runs them without a click.
		await expect.poll(() => text(row('concurrent-workspaces').locator('.hb-status')), { timeout: 15_000 }).toBe('pass');
		await expect.poll(() => text(row('workspace-failures').locator('.hb-status')), patience).toBe('fail');
		expect(await row('workspace-failures').locator('.hb-board__runbook').getAttribute('href')).toBe('/incidents/provisioner-failure/#diagnosis');
		expect(await row('workspace-failures').locator('.hb-board__runbook').isVisible()).toBe(true);
		expect(await row('concurrent-workspaces').locator('.hb-board__runbook').isHidden()).toBe(true);
		expect(await text(row('workspace-failures').locator('.hb-board__message'))).toBe('answered 503: 7.5% of builds failed');
		await expect.poll(() => text(page.locator('[data-ref=next]')), patience).toMatch(/^next re-run in \d+ s$/);

		// A shorter interval re-runs sooner: the result's finish time moves on.
		const finished = () => page.evaluate(() => document.querySelector('#item-concurrent-workspaces time')?.getAttribute('datetime'));
		const first = await finished();
		await page.locator('[data-ref=every]').selectOption('15');
		await expect.poll(finished, { timeout: 25_000, interval: 1000 }).not.toBe(first);
		// The chosen interval is remembered on this browser.
		await page.reload();
		await expect.poll(() => page.locator('[data-ref=every]').inputValue(), patience).toBe('15');

		await page.locator('[data-ref=pause]').click();
		// The board says so on its next tick once the page has loaded its state.
		await expect.poll(() => text(page.locator('[data-ref=next]')), patience).toBe('paused');
		expect(await page.locator('[data-ref=pause]').getAttribute('aria-pressed')).toBe('true');
		await page.screenshot({ path: join(testOutput, 'workshop-day-board.png') });
	}, 60_000);
});

describe('the participant self-checks in Chromium', () => {
	it('run in the browser and say in plain words that all is well', async () => {
		const participant = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const p = await participant.newPage();
		expect((await p.goto(`${server.url}/participants/guide/#browser-self-checks`))?.status()).toBe(200);
		await p.locator('hb-self-checks button').click();
		await expect.poll(() => text(p.locator('.hb-self__summary')), { timeout: 20_000 }).toBe('All three checks passed: you are ready for the workshop.');
		const row = (id: string) => p.locator(`[data-self-check=${id}]`);
		expect(await text(row('platform-reachable').locator('.hb-status'))).toBe('pass');
		expect(await text(row('platform-reachable').locator('.hb-self__text'))).toMatch(new RegExp(`^Your browser reached 127\\.0\\.0\\.1:${target.port} in \\d+ ms\\.$`));
		expect(await text(row('websocket-ok').locator('.hb-self__text'))).toMatch(new RegExp(`^A WebSocket got through your network and back in \\d+ ms, and one to 127\\.0\\.0\\.1:${target.port} opened in \\d+ ms\\.$`));
		expect(await text(row('browser-supported').locator('.hb-status'))).toBe('pass');
		await p.locator('hb-self-checks').screenshot({ path: join(testOutput, 'participant-self-checks.png') });
		await participant.close();
	}, 60_000);

	it('say what to do when the platform cannot be reached', async () => {
		await target.stop();
		const participant = await browser.newContext();
		const p = await participant.newPage();
		await p.goto(`${server.url}/participants/guide/`);
		await p.locator('hb-self-checks button').click();
		await expect.poll(() => text(p.locator('.hb-self__summary')), { timeout: 20_000 }).toMatch(/^2 of 3 checks failed/);
		expect(await text(p.locator('[data-self-check=platform-reachable] .hb-self__text'))).toMatch(/could not reach .* Try another network/);
		expect(await text(p.locator('[data-self-check=websocket-ok] .hb-self__text'))).toMatch(/reached the handbook, but one to 127\.0\.0\.1:\d+ failed/);
		expect(await text(p.locator('[data-self-check=browser-supported] .hb-status'))).toBe('pass');
		await participant.close();
	}, 60_000);
});
