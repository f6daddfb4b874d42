import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontmatterOf, validateRetroPage, type Retro } from '../../src/records/retro.ts';
import { createApp, type App } from '../../src/server/app.ts';
import { startSandbox, type Sandbox } from '../sandbox/sandbox.ts';
import { handbook } from '../support/cli.ts';
import { root } from '../support/site.ts';

const run = promisify(execFile);

const WORKSHOP = '2026-12';
let sandbox: Sandbox;
let env: Record<string, string>;
let preRunId: string;
let dayRunId: string;
let doorsOpened: Date;

/** The item of a checklist that records a field. */
function itemWith(app: App, checklist: string, field: string): string {
	const item = app.service.checklist(checklist).items.find((i) => i.fields.some((f) => f.name === field));
	if (!item) throw new Error(`${checklist} has no item recording ${field}`);
	return item.id;
}

beforeAll(async () => {
	sandbox = await startSandbox();
	env = { ...sandbox.env, HANDBOOK_DATA_DIR: join(sandbox.dir, 'data') };
	// The engine reads the sandbox's secrets from the environment, as the server and CLI do.
	const saved = { ...process.env };
	Object.assign(process.env, sandbox.env);
	doorsOpened = new Date(Date.now() - 1_000);
	const app = await createApp({ configFile: sandbox.configFile, dataDir: env.HANDBOOK_DATA_DIR });
	try {
		// A real T-2 run of the workshop, from start to sign-off, as facilitators make it on the page.
		const pre = await app.service.startRun({ checklist: 'pre-workshop', environment: 'local', workshop: WORKSHOP }, 'facilitator:ana');
		preRunId = pre.id;
		await app.service.runAll(pre.id, 'facilitator:ana');
		await app.service.setField(pre.id, itemWith(app, 'pre-workshop', 'blockers'), 'blockers', 'none', 'facilitator:ana');
		await app.service.decide(pre.id, 'go', 'all green', 'facilitator:ana');
		await app.service.signOff(pre.id, 'facilitator:ana');
		// The workshop day: checks watched during the session, values recorded at closing.
		const day = await app.service.startRun({ checklist: 'workshop-day', environment: 'local', workshop: WORKSHOP }, 'facilitator:ana');
		dayRunId = day.id;
		await app.service.runAll(day.id, 'facilitator:ana');
		const set = (name: string, value: string) => app.service.setField(day.id, itemWith(app, 'workshop-day', name), name, value, 'facilitator:ana');
		await set('doors-opened-at', doorsOpened.toISOString());
		await set('session-ended-at', new Date(Date.now() + 60_000).toISOString());
		await set('attendance', '14');
		await set('manual-interventions', '1');
		await set('incidents-summary', 'P2: London 404s on wildcard URLs, 4 min <after a proxy restart>');
	} finally {
		app.events.close();
		await app.store.close();
		process.env = saved;
	}
}, 120_000);
afterAll(async () => sandbox?.stop());

describe('npx handbook retro new', () => {
	let file: string;
	let source: string;
	let retro: Retro;

	beforeAll(async () => {
		file = join(sandbox.dir, 'out/2026-12.mdx');
		const { code, stdout, stderr } = await handbook(['retro', 'new', WORKSHOP, '--out', file], env);
		expect(stderr).toBe('');
		expect(code).toBe(0);
		expect(stdout).toMatch(/^Wrote .*2026-12\.mdx\n {2}workshop window .* \(workshop-day run \w+ \(doors opened to session ended\)\)\n {2}\d+ values to fill: facilitator, scribe, metrics\.registered,/);
		source = readFileSync(file, 'utf8');
		retro = validateRetroPage(source, file);
	}, 60_000);

	it('writes the pre-workshop run: decision, sign-off, blockers and its duration from start to sign-off', () => {
		expect(retro).toMatchObject({ workshop: WORKSHOP, example: false, status: 'draft', environment: 'local', date: doorsOpened.toISOString().slice(0, 10) });
		expect(retro.preWorkshop).toMatchObject({ run: preRunId, decision: 'go', decisionNote: 'all green', signedOffBy: 'facilitator:ana', notGreen: [] });
		expect(retro.metrics.blockers).toBe(0);
		expect(retro.metrics.checklistMinutes).toBeGreaterThanOrEqual(0);
		expect(retro.metrics.checklistMinutes).toBeLessThan(5);
		expect(source).toMatch(new RegExp(`checklistMinutes: [\\d.]+ # from run ${preRunId}: started .*, signed off `));
	});

	it('reads the peaks over the workshop window from Prometheus', () => {
		// The sandbox's Prometheus scrapes 12 running workspaces and a fullest node at 41 %.
		expect(retro.metrics.peakConcurrentWorkspaces).toBe(12);
		expect(retro.metrics.averageConcurrentWorkspaces).toBe(12);
		expect(retro.metrics.peakStoragePercent).toBe(41);
		expect(source).toMatch(/peakConcurrentWorkspaces: 12 # from Prometheus over the workshop window: sum\(coderd_api_workspace_latest_build\{status="running"\}\)/);
	});

	it('takes what was recorded on the workshop-day board', () => {
		expect(retro.metrics).toMatchObject({ attended: 14, manualInterventions: 1 });
		expect(retro.metrics.durationMinutes).toBeGreaterThan(0);
		expect(retro.window.source).toBe(`workshop-day run ${dayRunId} (doors opened to session ended)`);
		expect(retro.window.start).toBe(doorsOpened.toISOString());
		// Free text is quoted where it belongs, made safe for MDX.
		expect(source).toContain('> P2: London 404s on wildcard URLs, 4 min \\<after a proxy restart>');
	});

	it('leaves what nothing stored knows as explicit fields to fill, never a guess', () => {
		// No node CPU series and no builds in the window: unknown, not zero.
		expect(retro.metrics).toMatchObject({ peakCpuPercent: null, peakMemoryPercent: null, failureRatePercent: null, satisfaction: null, registered: null, completionPercent: null });
		expect(retro.incidents).toEqual({ P0: null, P1: null, P2: null, P3: null });
		expect(retro.facilitator).toBeNull();
		expect(source).toMatch(/satisfaction: null # to fill: the in-room feedback/);
		expect(source).toMatch(/P1: null # to fill: from the incident log/);
		expect(source.match(/\*\*To fill:\*\*/g)!.length).toBeGreaterThanOrEqual(8);
		// Every section of the template, in order.
		const sections = [...source.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
		const template = readFileSync(join(root, 'src/content/docs/records/retrospective-template.mdx'), 'utf8');
		expect(sections).toEqual([...template.matchAll(/^## (.+)$/gm)].map((m) => m[1]));
		expect(sections).toContain('Approvals');
		expect(frontmatterOf(source).title).toBe('Retrospective: December 2026 workshop');
	});

	it('never overwrites a page without --force, and wants a month key', async () => {
		const again = await handbook(['retro', 'new', WORKSHOP, '--out', file], env);
		expect(again.code).toBe(2);
		expect(again.stderr).toMatch(/2026-12\.mdx exists already; edit it, or pass --force/);
		const bad = await handbook(['retro', 'new', 'december'], env);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/a workshop is named by its month key, e\.g\. "2026-12"/);
	});

	it('scaffolds a workshop without runs with everything from the runs left to fill', async () => {
		const out = join(sandbox.dir, 'out/2027-01.mdx');
		const { code, stderr } = await handbook(['retro', 'new', '2027-01', '--out', out, '--env', 'local', '--no-prometheus'], env);
		expect(code).toBe(0);
		expect(stderr).toContain('No pre-workshop run is stored for 2027-01');
		const empty = validateRetroPage(readFileSync(out, 'utf8'), out);
		expect(empty.preWorkshop).toMatchObject({ run: null, decision: null });
		expect(empty.metrics.blockers).toBeNull();
		// The window falls back to the cadence: the first Tuesday, 16:00 London time.
		expect(empty.window).toMatchObject({ start: '2027-01-05T16:00:00.000Z', end: '2027-01-05T17:30:00.000Z' });
	});
});

describe('acceptance: after a stored pre-workshop run, the page retro new writes builds and shows on the trends page', () => {
	let project: string;

	beforeAll(() => {
		// A copy of the handbook to build, so the real src/ and dist/ stay untouched. It lives under
		// test-results/ so its imports find the project's node_modules by the usual lookup upwards,
		// while its build caches (node_modules/.astro, .vite) stay in the copy.
		mkdirSync(join(root, 'test-results'), { recursive: true });
		project = mkdtempSync(join(root, 'test-results', 'acceptance-'));
		for (const f of ['astro.config.mjs', 'package.json', 'tsconfig.json', 'handbook.config.ts', 'src', 'public', 'scripts']) cpSync(join(root, f), join(project, f), { recursive: true });
	});
	afterAll(() => rmSync(project, { recursive: true, force: true }));

	it('builds the page and draws the workshop on every chart', async () => {
		const made = await handbook(['retro', 'new', WORKSHOP], env, project);
		expect(made.code).toBe(0);
		expect(made.stdout).toContain('Wrote src/content/docs/records/retros/2026-12.mdx');
		await run(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], { cwd: project, env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' }, maxBuffer: 32 << 20 });
		const page = readFileSync(join(project, 'dist/client/records/retros/2026-12/index.html'), 'utf8');
		expect(page).toContain('Retrospective: December 2026 workshop');
		expect(page).toContain(preRunId);
		const trends = readFileSync(join(project, 'dist/client/records/trends/index.html'), 'utf8');
		// The first real retrospective replaces the examples: one point per chart, for 2026-12.
		const points = [...trends.matchAll(/class="hb-trend__point" data-workshop="([^"]+)"/g)].map((m) => m[1]);
		expect(points.length).toBeGreaterThan(0);
		expect(new Set(points)).toEqual(new Set([WORKSHOP]));
		expect(trends).toContain('href="/records/retros/2026-12/"');
		expect(trends).not.toContain('Example data');
		expect(existsSync(join(project, 'dist/client/records/retros/example-2026-10/index.html'))).toBe(true);
	}, 180_000);

	it('refuses a page with a bad metric, naming the file and the field', async () => {
		const bad = join(project, 'src/content/docs/records/retros/2027-02.mdx');
		writeFileSync(bad, '---\ntitle: Bad\nretro:\n  workshop: "2027-02"\n  metrics:\n    attended: -3\n---\n\nBody.\n');
		const failed = await run(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), 'sync'], { cwd: project, env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } }).catch((e) => e);
		expect(failed.code).not.toBe(0);
		// Astro colours its messages (in CI too): compare the text without the escape codes.
		const output = `${failed.stdout}${failed.stderr}`.replace(/\u001b\[[0-9;]*m/g, '');
		expect(output).toContain('docs → records/retros/2027-02 data does not match collection schema');
		expect(output).toContain('retro.metrics.attended: Attended: expected a whole number ≥ 0, or null while it is still to fill (got -3)');
		expect(output).toContain(bad);
	}, 60_000);
});
