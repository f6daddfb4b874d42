import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { extractChecklist } from '../../src/checklists/extract.ts';
import { launchChromium, testOutput } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { docsDir } from '../support/site.ts';

// A workshop day you can trust, in Chromium: the run bar follows the server's states, run all is a
// job of the run, decisions are explained, defaults follow the page and the calendar, and two
// people never overwrite each other silently. Every test starts the run it needs.
const token = 'e2e-run-day-token-4f2a';
const patience = { timeout: 15_000 };
const longReason = `the key workshop-oregon expires in 3 days; ${'and the proxies in London, Oregon and Ohio disagree about it, '.repeat(4)}end of reason`;
let target: Server;
let base = '';
let server: RunningServer;
let browser: Browser;

const page = (file: string) => extractChecklist(readFileSync(join(docsDir, file), 'utf8'), file);
const preWorkshop = page('checklists/pre-workshop.mdx');
const boundChecks = (c: ReturnType<typeof page>) => [...new Set(c.items.flatMap((i) => (i.checkId ? [i.checkId] : [])))];
const slowChecks = ['tls-expiry', 'dns-records', 'grafana-ready', 'prometheus-ready'];

function writeConfig(dir: string): string {
	const http = (id: string, path: string, extra: Record<string, unknown> = {}) => ({
		id,
		title: `Check ${id}`,
		kind: 'http',
		runbook: '/incidents/provisioner-failure/#diagnosis',
		cacheSeconds: 0,
		params: { url: path.startsWith('http') ? path : `${base}${path}` },
		outcomes: [{ status: 'fail', when: 'status != 200', message: '{body}' }, { status: 'pass', message: 'answered {body}' }],
		...extra,
	});
	const checks = new Map<string, unknown>();
	for (const id of boundChecks(preWorkshop)) checks.set(id, http(id, slowChecks.includes(id) ? '/slow' : '/healthz'));
	// Defined for the pipeline only: skipped in local, counted apart, never green.
	checks.set('smoke-workspace', http('smoke-workspace', '/healthz', { environments: ['content-pipeline'] }));
	for (const id of boundChecks(page('checklists/workshop-day.mdx'))) if (!checks.has(id)) checks.set(id, http(id, '/healthz'));
	checks.set('workspace-failures', http('workspace-failures', '/reason', { outcomes: [{ status: 'fail', when: 'status != 200', message: longReason }, { status: 'pass', message: 'fine' }] }));
	// Its rule compares the body ("OK") with a number: it cannot judge what it saw, an error and not a failure.
	checks.set('concurrent-workspaces', http('concurrent-workspaces', '/healthz', { outcomes: [{ status: 'fail', when: 'body > 5', message: 'too many' }, { status: 'pass', message: 'fine' }] }));
	for (const id of boundChecks(page('launch/operations.mdx'))) checks.set(id, http(id, '/healthz', { environments: ['content-pipeline'] }));
	const region = { name: 'loopback', title: 'Loopback', host: '127.0.0.1', wildcard: '*.example.test', kubeContext: 'none', proxy: 'primary' };
	const config = {
		defaultEnvironment: 'local',
		environments: { local: { title: 'Local test targets', regions: [region] }, 'content-pipeline': { title: 'Content pipeline', exclusive: true, regions: [region] } },
		checks: [...checks.values()],
	};
	const file = join(dir, 'handbook.config.ts');
	writeFileSync(file, `export default ${JSON.stringify(config, null, 2)};\n`);
	return file;
}

beforeAll(async () => {
	target = createServer((req, res) => {
		if (req.url === '/slow') return void setTimeout(() => res.end('OK'), 2500);
		if (req.url === '/reason') {
			res.statusCode = 503;
			return void res.end(longReason);
		}
		res.end('OK');
	});
	await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
	const dir = mkdtempSync(join(tmpdir(), 'handbook-e2e-day-'));
	server = await startServer({ HANDBOOK_CONFIG: writeConfig(dir), HANDBOOK_DATA_DIR: dir, HANDBOOK_FACILITATOR_TOKEN: token });
	browser = await launchChromium();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
});

const cookies = new Map<string, string>();

/** A facilitator's session cookie value, one sign-in per name (sign-ins are rate limited). */
async function sessionOf(name: string): Promise<string> {
	if (!cookies.has(name)) {
		const res = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify({ token, name }) });
		const set = res.headers.get('set-cookie');
		if (!set) throw new Error(`signing in ${name} answered ${res.status}: ${await res.text()}`);
		cookies.set(name, set.split(';')[0]!.split('=').slice(1).join('='));
	}
	return cookies.get(name)!;
}

/** A signed-in facilitator's browser context. */
async function facilitator(name: string, viewport = { width: 1280, height: 900 }, colorScheme: 'light' | 'dark' = 'light'): Promise<BrowserContext> {
	const context = await browser.newContext({ viewport, colorScheme });
	await context.addCookies([{ name: 'handbook_session', value: await sessionOf(name), url: server.url }]);
	return context;
}

/** The API as a signed-in facilitator ("Api"). */
async function api(path: string, body?: unknown): Promise<any> {
	const cookie = `handbook_session=${await sessionOf('Api')}`;
	const res = await fetch(server.url + path, body === undefined ? { headers: { cookie } } : { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url, cookie }, body: JSON.stringify(body) });
	return { status: res.status, body: await res.json() };
}

async function waitForJob(runId: string): Promise<void> {
	await expect.poll(async () => (await api(`/api/runs/${runId}`)).body.runAll?.state, patience).toBe('finished');
}

async function open(p: Page, path: string): Promise<void> {
	const errors: string[] = [];
	p.on('pageerror', (e) => errors.push(e.message));
	expect((await p.goto(server.url + path))?.status()).toBe(200);
	await expect.poll(() => p.locator('[data-ref=who]').innerText(), patience).not.toBe('');
	expect(errors).toEqual([]);
}

const text = (p: Page, selector: string) => p.locator(selector).innerText();

describe('the go / no-go', () => {
	it('follows the live computed verdict until the person chooses: everything green selects go', async () => {
		const run = (await api('/api/runs', { checklist: 'pre-workshop', environment: 'local' })).body.run;
		const context = await facilitator('Alice');
		const p = await context.newPage();
		await open(p, `/checklists/pre-workshop/?run=${run.id}`);
		await p.locator('summary', { hasText: 'Go / no-go and sign-off' }).click();
		const radio = (value: string) => p.locator(`[data-ref=decide] input[value=${value}]`);
		expect(await radio('no-go').isChecked()).toBe(true);

		// Everything becomes green while the page is open: checks pass, items ticked, fields recorded.
		await api(`/api/runs/${run.id}/run-all`, {});
		await waitForJob(run.id);
		for (const item of preWorkshop.items.filter((i) => !i.checkId)) {
			await api(`/api/runs/${run.id}/items/${item.id}`, { checked: true });
			for (const f of item.fields) await api(`/api/runs/${run.id}/items/${item.id}`, { field: f.name, value: f.type === 'url' ? 'https://example.test/run' : '2026-12-01' });
		}
		await expect.poll(() => text(p, '[data-ref=verdict]'), patience).toBe('Computed: go');
		await expect.poll(() => radio('go').isChecked(), patience).toBe(true);
		expect(await radio('no-go').isChecked()).toBe(false);
		// Skipped is counted apart, never as done.
		expect(await text(p, '[data-ref=tally]')).toBe('1 skipped: not defined for local');
		expect(await text(p, '[data-ref=count]')).toBe(`${preWorkshop.items.length - 1} / ${preWorkshop.items.length - 1} done`);
		await p.locator('[data-ref=decide] button[type=submit]').click();
		await expect.poll(() => text(p, '[data-ref=decision]'), patience).toMatch(/^Decision: GO, recorded by Alice/);
		await expect.poll(() => p.evaluate(() => document.activeElement?.getAttribute('data-ref')), patience).toBe('decision');
		await context.close();
	}, 90_000);

	it('asks for confirmation naming the blockers, and the note, to record a decision against the computed one', async () => {
		const run = (await api('/api/runs', { checklist: 'pre-workshop', environment: 'local' })).body.run;
		const context = await facilitator('Bo');
		const p = await context.newPage();
		await open(p, `/checklists/pre-workshop/?run=${run.id}`);
		await p.locator('summary', { hasText: 'Go / no-go and sign-off' }).click();
		await p.locator('[data-ref=decide] input[value=go]').check();
		await p.locator('[data-ref=decide] button[type=submit]').click();
		const confirm = p.locator('[data-ref=confirm]');
		expect(await confirm.isVisible()).toBe(true);
		expect(await text(p, '[data-ref=confirm-text]')).toMatch(/^You are recording GO against the computed no-go, with \d+ blockers: .+; and \d+ more\. Write in the note why, then record it\.$/);
		expect(await p.evaluate(() => document.activeElement?.getAttribute('data-ref'))).toBe('confirm');
		expect(await p.locator('[data-ref=confirm-yes]').isDisabled()).toBe(true);
		// The live verdict does not take the person's choice away.
		expect(await p.locator('[data-ref=decide] input[value=go]').isChecked()).toBe(true);
		await p.locator('[data-ref=decide] textarea').fill('Accepted by the on-call lead: checks are being fixed before T-1.');
		await p.locator('[data-ref=confirm-yes]').click();
		await expect.poll(() => text(p, '[data-ref=decision]'), patience).toMatch(/^Decision: GO, recorded by Bo .*Note: Accepted by the on-call lead/);
		expect(await confirm.isHidden()).toBe(true);
		// The server refuses the same without a note, naming what blocks.
		const refused = await api(`/api/runs/${run.id}/decision`, { decision: 'go' });
		expect(refused.status).toBe(400);
		expect(refused.body.error).toMatch(/^recording go against the computed no-go \(blocking: .+\) needs a note saying why$/);
		await context.close();
	}, 60_000);
});

describe('run all on the server', () => {
	it('survives a reload: the page joins the job in flight and every check ends with a result', async () => {
		const run = (await api('/api/runs', { checklist: 'pre-workshop', environment: 'local' })).body.run;
		const context = await facilitator('Cy');
		const p = await context.newPage();
		await open(p, `/checklists/pre-workshop/?run=${run.id}`);
		await p.locator('[data-ref=run-all]').click();
		// Focus goes to the progress it started, not to <body>.
		await expect.poll(() => p.evaluate(() => document.activeElement?.getAttribute('data-ref')), patience).toBe('summary');
		await expect.poll(() => text(p, '[data-ref=run-all]'), patience).toMatch(/^Running \d+ \/ 23…$/);
		await p.reload();
		await expect.poll(() => text(p, '[data-ref=who]'), patience).not.toBe('');
		// The slow checks are still under way after the reload: the button shows the job, not a new one.
		expect(await text(p, '[data-ref=run-all]')).toMatch(/^Running \d+ \/ 23…$/);
		expect(await p.locator('[data-ref=run-all]').isDisabled()).toBe(true);
		// A second click from another page joins it too.
		expect((await api(`/api/runs/${run.id}/run-all`, {})).body.joined).toBe(true);
		await expect.poll(() => text(p, '[data-ref=run-all]'), patience).toBe('Run all checks (23)');
		const view = (await api(`/api/runs/${run.id}`)).body;
		expect(view.results.filter((r: { state: string }) => r.state !== 'done').map((r: { checkId: string; state: string }) => `${r.checkId} ${r.state}`)).toEqual([]);
		expect(view.runAll).toMatchObject({ state: 'finished', done: 23 });
		expect(view.progress.counts.notRun).toBe(0);
		const states = () => p.locator('hb-item[data-check-id] .hb-status').allInnerTexts();
		await expect.poll(async () => (await states()).filter((s) => s !== 'pass' && s !== 'skipped'), patience).toEqual([]);
		expect((await states()).filter((s) => s === 'skipped')).toHaveLength(1);
		await context.close();
	}, 90_000);
});

describe('statuses on the page', () => {
	it('tells skipped, error and fail apart by word, icon and colour in both themes, and shows reasons in full', async () => {
		const run = (await api('/api/runs', { checklist: 'workshop-day', environment: 'local' })).body.run;
		await api(`/api/runs/${run.id}/run-all`, {});
		await waitForJob(run.id);
		const colours: Record<string, string[]> = {};
		for (const scheme of ['light', 'dark'] as const) {
			// A facilitator reads the reasons (anonymous readers see statuses only).
			const context = await facilitator('Dee', { width: 1280, height: 900 }, scheme);
			const p = await context.newPage();
			await open(p, `/checklists/workshop-day/?run=${run.id}`);
			const badge = (id: string) => p.locator(`#item-${id} .hb-status`);
			await expect.poll(() => badge('workspace-failures').innerText(), patience).toBe('fail');
			expect(await badge('concurrent-workspaces').innerText()).toBe('error');
			const look = (id: string) =>
				badge(id).evaluate((el) => {
					const s = getComputedStyle(el);
					return [s.borderColor, s.backgroundColor, getComputedStyle(el, '::before').content].join(' | ');
				});
			const fail = await look('workspace-failures');
			const error = await look('concurrent-workspaces');
			expect(fail).not.toBe(error);
			expect(fail).toMatch(/✕/);
			expect(error).toMatch(/⚠/);
			colours[scheme] = [fail, error];
			// The reason wraps in full: no ellipsis, nothing hidden.
			const message = p.locator('#item-workspace-failures .hb-item__message');
			expect(await message.innerText()).toBe(longReason);
			expect(await message.evaluate((el) => el.scrollWidth <= el.clientWidth && getComputedStyle(el).textOverflow !== 'ellipsis')).toBe(true);
			// Observed values one click away.
			await p.locator('#item-workspace-failures .hb-item__more').click();
			expect(await p.locator('#item-details-workspace-failures tr:has(th:text-is("status")) td').innerText()).toBe('503');
			await p.locator('#item-workspace-failures').screenshot({ path: join(testOutput, `run-day-statuses-${scheme}.png`) });
			await context.close();
		}
		expect(colours.light).not.toEqual(colours.dark);
	}, 60_000);
});

describe('defaults of a run', () => {
	it('runs a checklist in its own environment by default, and refuses one where none of its checks is defined', async () => {
		const context = await facilitator('Di');
		const p = await context.newPage();
		// A reader who last used another environment on another page.
		await p.goto(server.url + '/');
		await p.evaluate(() => localStorage.setItem('handbook:environment', 'local'));
		await open(p, '/launch/operations/');
		expect(await p.locator('[data-ref=env]').inputValue()).toBe('content-pipeline');
		await p.locator('[data-ref=new]').click();
		// The workshop defaults to the next one by the cadence, as the calendar says.
		const defaults = (await api('/api/runs?checklist=launch-readiness')).body.defaults;
		expect(defaults.environment).toBe('content-pipeline');
		expect(await p.locator('#hb-run-new input[name=workshop]').inputValue()).toBe(defaults.workshop);
		await p.locator('#hb-run-new button[type=submit]').click();
		await expect.poll(() => p.evaluate(() => document.activeElement?.getAttribute('data-ref')), patience).toBe('run');
		const runId = new URL(p.url()).searchParams.get('run')!;
		expect((await api(`/api/runs/${runId}`)).body.run.environment).toBe('content-pipeline');
		const refused = await api('/api/runs', { checklist: 'launch-readiness', environment: 'local' });
		expect(refused.status).toBe(400);
		expect(refused.body.error).toMatch(/^none of the 7 checks of the checklist "launch-readiness" is defined for the environment "local"/);
		await context.close();
	}, 60_000);
});

describe('working together', () => {
	it('offers a run someone else started, and tells the later of two writers the value changed', async () => {
		const first = (await api('/api/runs', { checklist: 'pre-workshop', environment: 'local' })).body.run;
		const alice = await facilitator('Alice');
		const bo = await facilitator('Bo');
		const a = await alice.newPage();
		const b = await bo.newPage();
		await open(a, `/checklists/pre-workshop/?run=${first.id}`);
		await open(b, `/checklists/pre-workshop/?run=${first.id}`);
		const input = (p: Page) => p.locator('input[data-field-name=expected-attendance]');
		// Bo starts editing the empty field; meanwhile Alice records 18.
		await input(b).focus();
		await input(a).fill('18');
		await input(a).press('Tab');
		await expect.poll(async () => (await api(`/api/runs/${first.id}`)).body.fields.find((f: { name: string }) => f.name === 'expected-attendance')?.value, patience).toBe('18');
		// His page hears of it, but never overwrites what he is typing: he saves over the value he saw.
		await expect.poll(() => b.locator('[data-ref=announce]').innerText(), patience).toMatch(/Alice recorded expected-attendance/);
		await input(b).fill('20');
		await input(b).press('Tab');
		const conflict = b.locator('.hb-item__conflict');
		await expect.poll(() => conflict.isVisible(), patience).toBe(true);
		expect(await conflict.innerText()).toMatch(/^Not saved: Alice changed this to "18" \(.+\) since you loaded it\./);
		expect((await api(`/api/runs/${first.id}`)).body.fields.find((f: { name: string }) => f.name === 'expected-attendance')).toMatchObject({ value: '18', by: 'Alice' });

		// A new run started elsewhere is offered to both pages.
		const second = (await api('/api/runs', { checklist: 'pre-workshop', environment: 'local', workshop: '2027-01' })).body.run;
		await expect.poll(() => a.locator('[data-ref=newer]').isVisible(), patience).toBe(true);
		expect(await text(a, '[data-ref=newer-text]')).toMatch(/^Api started a new run for 2027-01/);
		await a.locator('[data-ref=switch]').click();
		await expect.poll(() => new URL(a.url()).searchParams.get('run'), patience).toBe(second.id);
		expect(await a.locator('[data-ref=newer]').isHidden()).toBe(true);
		await alice.close();
		await bo.close();
	}, 60_000);
});

describe('the run bar', () => {
	for (const viewport of [
		{ width: 1280, height: 900 },
		{ width: 390, height: 844 },
	]) {
		it(`clips nothing, shows an empty meter empty, and says how to sign in (${viewport.width} px)`, async () => {
			const run = (await api('/api/runs', { checklist: 'pre-workshop', environment: 'local', workshop: '2026-12' })).body.run;
			const context = await browser.newContext({ viewport });
			const p = await context.newPage();
			await open(p, `/checklists/pre-workshop/?run=${run.id}`);
			for (const ref of ['env', 'run']) {
				const fits = await p.locator(`[data-ref=${ref}]`).evaluate((select: HTMLSelectElement) => {
					const panel = select.closest('.hb-run')!.getBoundingClientRect();
					const box = select.getBoundingClientRect();
					// The chosen option's text, measured in the select's font, fits inside it.
					const probe = document.createElement('span');
					probe.style.cssText = `position:absolute;visibility:hidden;white-space:nowrap;font:${getComputedStyle(select).font}`;
					probe.textContent = select.selectedOptions[0]!.textContent;
					document.body.append(probe);
					const need = probe.getBoundingClientRect().width;
					probe.remove();
					return { inside: box.left >= panel.left && box.right <= panel.right, need, have: select.clientWidth };
				});
				expect(fits.inside).toBe(true);
				expect(fits.need).toBeLessThanOrEqual(fits.have);
			}
			expect(await text(p, '[data-ref=count]')).toBe(`0 / ${preWorkshop.items.length - 1} done`);
			expect(await p.locator('[data-ref=fill]').evaluate((el) => el.getBoundingClientRect().width)).toBe(0);
			expect(await p.locator('[data-ref=bar]').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgba(0, 0, 0, 0)');
			expect(await p.locator('[data-ref=how]').isVisible()).toBe(true);
			expect(await p.locator('[data-ref=how] a').getAttribute('href')).toBe('/#facilitators-how-to-sign-in');
			expect(await text(p, '[data-ref=tally]')).toMatch(/^22 checks not run\n?.*31 items open\n?.*1 skipped: not defined for local$/s);
			await p.locator('hb-run').screenshot({ path: join(testOutput, `run-bar-${viewport.width}.png`) });
			await context.close();
		}, 60_000);
	}

	it('clears a stale sign-in error on success, and moves focus after signing in and signing off', async () => {
		const run = (await api('/api/runs', { checklist: 'workshop-day', environment: 'local' })).body.run;
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const p = await context.newPage();
		await open(p, `/checklists/workshop-day/?run=${run.id}`);
		await p.locator('summary', { hasText: 'Sign in as a facilitator' }).click();
		await p.locator('input[name=token]').fill('wrong-token');
		await p.locator('[data-ref=sign-in] button[type=submit]').click();
		await expect.poll(() => text(p, '[data-ref=error]'), patience).toBe('wrong facilitator token');
		await p.locator('input[name=token]').fill(token);
		await p.locator('input[name=name]').fill('Eve');
		await p.locator('[data-ref=sign-in] button[type=submit]').click();
		await expect.poll(() => text(p, '[data-ref=who]'), patience).toBe('Signed in as Eve.');
		expect(await text(p, '[data-ref=error]')).toBe('');
		await expect.poll(() => p.evaluate(() => document.activeElement?.getAttribute('data-ref')), patience).toBe('who');
		// The board is no gate: no go / no-go, only a sign-off.
		expect(await p.locator('[data-ref=decide]').count()).toBe(0);
		await p.locator('summary', { hasText: /^Sign-off$/ }).click();
		await p.locator('[data-ref=sign-off]').click();
		await p.locator('[data-ref=sign-off]').click();
		await expect.poll(() => p.locator('[data-ref=frozen]').isVisible(), patience).toBe(true);
		await expect.poll(() => p.evaluate(() => document.activeElement?.getAttribute('data-ref')), patience).toBe('frozen');
		await context.close();
	}, 60_000);
});
