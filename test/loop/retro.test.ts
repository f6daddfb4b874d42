import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontmatterOf, validateRetroPage } from '../../src/records/retro.ts';
import { handbook } from '../support/cli.ts';
import { pageFacts } from '../support/html.ts';
import { startServer } from '../support/server.ts';
import { root } from '../support/site.ts';

// `handbook retro new` and `retro issues` against a store seeded through the API, the way the
// day fills it; then the written page is built with the site and carries the numbers.
const run = promisify(execFile);
const token = 'loop-retro-token-77a1';
const month = '2026-12';
const injection = '<img src=x onerror=alert(1)> [click](https://evil.example) {1+1} # not a heading, mail me@evil.example or www.evil.example';
let dataDir: string;
let project: string;
let incidentId = '';

beforeAll(async () => {
	dataDir = mkdtempSync(join(tmpdir(), 'handbook-loop-retro-'));
	const server = await startServer({ HANDBOOK_DATA_DIR: dataDir, HANDBOOK_FACILITATOR_TOKEN: token });
	try {
		const post = async (path: string, json: unknown, cookie = '') => {
			const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url, ...(cookie ? { cookie } : {}) }, body: JSON.stringify(json) });
			const body = (await res.json()) as any;
			if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
			return { body, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '' };
		};
		const f = (await post('/api/session', { token, name: 'Dana' })).cookie;
		const { code } = (await post(`/api/workshops/${month}/open`, {}, f)).body;
		const ids: string[] = [];
		for (const [n, description] of ['Workspace stuck on Starting', 'Agent says invalid API key', injection].entries()) {
			ids.push((await post('/api/help', { workshop: month, code, github: `person${n}`, workspace: `ws${n}`, region: n === 1 ? 'eu-west-2' : 'us-east-2', description, error: n === 1 ? 'litellm.AuthenticationError: 401' : null })).body.id);
		}
		await post(`/api/help/${ids[0]}`, { action: 'resolve', resolution: 'deleted and recreated the workspace' }, f);
		await post(`/api/help/${ids[1]}`, { action: 'resolve', resolution: 'key rotated by mistake', followUp: true }, f);
		const answers = [
			{ satisfaction: 5, completed: true, subScores: { stability: 4, content: 5, support: 5 }, worked: 'Helpers came **fast**', blocked: null },
			{ satisfaction: 3, completed: false, subScores: { stability: 2, content: 4, support: 3 }, worked: null, blocked: injection },
			{ satisfaction: 4, completed: true, worked: 'The Goose template', blocked: 'Slow workspace start\non the second line' },
		];
		for (const a of answers) await post('/api/feedback', { workshop: month, code, ...a });
		incidentId = (await post('/api/incidents', { workshop: month, severity: 'P1', title: 'Image pulls failing in London', runbook: '/incidents/image-pull-failure/', commander: 'Sam' }, f)).body.incident.id;
		await post(`/api/incidents/${incidentId}/updates`, { status: 'identified', note: 'tag missing from the mirror' }, f);
		await post(`/api/incidents/${incidentId}/resolve`, { note: 'mirrored' }, f);
		await post('/api/incidents', { workshop: month, severity: 'P3', title: 'Agenda slide typo' }, f);
	} finally {
		await server.stop();
	}
	mkdirSync(join(root, 'test-results'), { recursive: true });
	project = mkdtempSync(join(root, 'test-results', 'loop-retro-'));
	for (const f of ['astro.config.mjs', 'package.json', 'tsconfig.json', 'handbook.config.ts', 'src', 'public', 'scripts']) cpSync(join(root, f), join(project, f), { recursive: true });
}, 60_000);
afterAll(() => {
	if (project && !process.env.KEEP_LOOP_RETRO) rmSync(project, { recursive: true, force: true });
});

describe('retro new from the workshop loop', () => {
	let page = '';
	it('fills incidents by severity, help times, satisfaction with sub-scores and completion', async () => {
		const made = await handbook(['retro', 'new', month, '--no-prometheus'], { HANDBOOK_DATA_DIR: dataDir }, project);
		expect(made.stderr + made.stdout).toContain('Wrote src/content/docs/records/retros/2026-12.mdx');
		expect(made.code).toBe(0);
		page = readFileSync(join(project, 'src/content/docs/records/retros/2026-12.mdx'), 'utf8');
		const retro = validateRetroPage(page, '2026-12.mdx');
		expect(retro.incidents).toEqual({ P0: 0, P1: 1, P2: 0, P3: 1 });
		expect(retro.metrics).toMatchObject({ userVisibleIncidents: 1, feedbackResponses: 3, satisfaction: 4, stabilityScore: 3, contentScore: 4.5, supportScore: 4, completionPercent: 66.7, helpRequests: 3 });
		expect(retro.metrics.longestIncidentResolutionMinutes).toBeGreaterThanOrEqual(0);
		expect(retro.metrics.helpMedianMinutes).toBeGreaterThanOrEqual(0);
		expect(retro.metrics.helpP90Minutes).toBeGreaterThanOrEqual(retro.metrics.helpMedianMinutes!);
		expect(made.stdout).not.toMatch(/values to fill: .*incidents\.P1/);
		expect((frontmatterOf(page).retro as { metrics: object }).metrics).toBeDefined();
	});

	it('lists incidents with durations and runbook links, and every free-text answer as given, grouped', () => {
		expect(page).toMatch(/- \*\*P1\*\* \{"Image pulls failing in London"\}: declared \d\d:\d\d UTC, resolved \d\d:\d\d UTC, [\d.]+ min, IC \{"Sam"\}, user-visible, \[runbook\]\(\/incidents\/image-pull-failure\/\)/);
		expect(page).toMatch(/- \*\*P3\*\* \{"Agenda slide typo"\}: declared \d\d:\d\d UTC, still open/);
		expect(page).toMatch(/Help requests: 3 sent, 2 resolved; sent to resolved, median [\d.]+ min, 90th percentile [\d.]+ min\. By region: \{"us-east-2"\} 2, \{"eu-west-2"\} 1\./);
		expect(page).not.toContain('person1');
		const worked = page.slice(page.indexOf('### What worked'), page.indexOf('### What got in the way'));
		const blocked = page.slice(page.indexOf('### What got in the way'), page.indexOf('## Action items'));
		expect(worked).toContain('> {"Helpers came **fast**"}');
		expect(worked).toContain('> {"The Goose template"}');
		expect(blocked).toContain('> {"Slow workspace start"}\n> {"on the second line"}');
		expect(blocked).toContain('> {"<img src=x onerror=alert(1)> [click](https://evil.example) \\u007b1+1\\u007d # not a heading, mail me@evil.example or www.evil.example"}');
		expect(page).toContain('3 responses; satisfaction 4 / 5 (platform stability 3, content 4.5, support 4); finished the exercise: 2 of 3 (66.7%).');
	});

	it('builds: the page shows the numbers and the words as text, and trends draws the new series', async () => {
		await run(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], { cwd: project, env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' }, maxBuffer: 32 << 20 });
		const html = readFileSync(join(project, 'dist/client/records/retros/2026-12/index.html'), 'utf8');
		const facts = pageFacts(html);
		expect(facts.mainText).toContain('Image pulls failing in London');
		expect(facts.links.some((l) => l.href === '/incidents/image-pull-failure/' && l.text === 'runbook')).toBe(true);
		expect(facts.mainText).toContain(injection);
		expect(facts.mainText).toContain('Helpers came **fast**');
		expect(facts.mainText).toContain('3 responses; satisfaction 4 / 5');
		expect(html).not.toMatch(/<img src="?x/);
		expect(facts.links.some((l) => l.href.includes('evil.example'))).toBe(false);
		const trends = readFileSync(join(project, 'dist/client/records/trends/index.html'), 'utf8');
		for (const metric of ['helpRequests', 'helpMedianMinutes', 'helpP90Minutes', 'stabilityScore', 'contentScore', 'supportScore']) {
			const block = trends.slice(trends.indexOf(`data-metric="${metric}"`));
			expect(block.slice(0, block.indexOf('</section>')), metric).toMatch(/class="hb-trend__point" data-workshop="2026-12" data-state="(pass|fail|none|unknown|[a-z-]+)"/);
		}
		expect(trends).toContain('Help request resolution (median)');
	}, 240_000);
});

describe('retro issues', () => {
	it('prints a block per follow-up, with links back to the handbook, and no network', async () => {
		const r = await handbook(['retro', 'issues', month, '--site', 'https://handbook.example/'], { HANDBOOK_DATA_DIR: dataDir }, project);
		expect(r.code).toBe(0);
		expect(r.stderr).toContain('2 issue(s) for 2026-12.');
		expect(r.stdout).toContain('**Title:** [2026-12] P1 incident: Image pulls failing in London');
		expect(r.stdout).toContain('**Labels:** workshop-2026-12, incident, P1');
		expect(r.stdout).toContain('- Runbook: https://handbook.example/incidents/image-pull-failure/');
		expect(r.stdout).toContain('- Retrospective: https://handbook.example/records/retros/2026-12/');
		expect(r.stdout).toContain(`incident \`${incidentId}\``);
		expect(r.stdout).toContain('**Title:** [2026-12] Participant help: Agent says invalid API key');
		expect(r.stdout).toContain('litellm.AuthenticationError: 401');
		expect(r.stdout).not.toContain('person1');
		expect(r.stdout).not.toContain('Agenda slide typo');
		const gh = await handbook(['retro', 'issues', month, '--format', 'gh'], { HANDBOOK_DATA_DIR: dataDir }, project);
		expect(gh.stdout).toMatch(/^gh issue create --title '\[2026-12\] P1 incident: Image pulls failing in London' --label 'workshop-2026-12' --label 'incident' --label 'P1' --body-file - <<'HANDBOOK_ISSUE_1'$/m);
		const json = JSON.parse((await handbook(['retro', 'issues', month, '--format', 'json'], { HANDBOOK_DATA_DIR: dataDir }, project)).stdout);
		expect(json.map((d: { source: string }) => d.source.split(' ')[0])).toEqual(['incident', 'help']);
		const bad = await handbook(['retro', 'issues', 'december'], { HANDBOOK_DATA_DIR: dataDir }, project);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain('a workshop is named by its month key');
	});
});
