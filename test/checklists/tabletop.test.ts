import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/checks/outcome.ts';
import { extractChecklist, extractFromParsed } from '../../src/checklists/extract.ts';
import { parsePage } from '../../src/checklists/parse.ts';
import { fileForPath, pagePath } from '../../src/checklists/registry.ts';
import { formatOffset, loadScenarios, parseScenario, scenarioProblems, scenarioSchema } from '../../src/checklists/scenario.ts';
import { draftScenario, scenarioYaml, tabletopHandout } from '../../src/checklists/tabletop.ts';
import { tabletop } from '../../src/cli/tabletop.ts';
import { UsageError } from '../../src/cli/checks.ts';
import { root } from '../support/site.ts';

const docs = join(root, 'src/content/docs');
const scenarios = loadScenarios(join(root, 'src/content/scenarios'));
const runbookOf = (path: string) => {
	const file = fileForPath(path, docs)!;
	return extractChecklist(readFileSync(file, 'utf8'), file);
};

describe('the handout of each shipped scenario', () => {
	it.each(scenarios.map((s) => [s.scenario.id, s.scenario] as const))('%s', (_id, scenario) => {
		const runbook = runbookOf(scenario.runbook);
		const handout = tabletopHandout(scenario, runbook);
		expect(handout.startsWith(`# Tabletop: ${scenario.title}\n`)).toBe(true);
		expect(handout.match(/^## .*/gm)).toEqual(['## Narrative', '## Hidden cause', '## Roles', '## Injects', '## Expected actions', '## The runbook checklist', '## Discussion questions', '## Hot wash']);
		expect(handout).toContain(`[${runbook.title}](${scenario.runbook})`);
		for (const line of scenario.narrative.trim().split('\n')) expect(handout).toContain(`> ${line}`);
		expect(handout).toContain(scenario.hiddenCause.trim());
		for (const r of scenario.roles) expect(handout).toContain(`| ${r.role} | ${r.brief.replace(/\|/g, '\\|')} |`);
		for (const i of scenario.injects) {
			const row = handout.split('\n').find((l) => l.startsWith(`| ${formatOffset(i.at)} |`) && l.includes(renderMessage(i.message, { region: i.region ?? null, ...(i.observed ?? {}) }).replace(/\|/g, '\\|')));
			expect(row, `inject at ${formatOffset(i.at)}: ${i.message}`).toBeDefined();
		}
		for (const a of scenario.expectedActions) {
			const item = runbook.items.find((x) => x.id === a.item)!;
			expect(handout).toContain(`| ${item.text} (\`${a.item}\`) | ${item.headingPath[0]} | ${a.by === null ? '—' : formatOffset(a.by)} |`);
			expect(handout).toMatch(new RegExp(`^\\s*- ★ .*\`${a.item}\``, 'm'));
		}
		for (const item of runbook.items) expect(handout).toContain(`\`${item.id}\``);
		scenario.discussionQuestions.forEach((q, n) => expect(handout).toContain(`${n + 1}. ${q}`));
		expect(handout).not.toMatch(/undefined|NaN|\[object Object\]|not on the runbook/);
	});
});

describe('draftScenario', () => {
	const runbooks = scenarios.map((s) => s.scenario.runbook);
	it.each(runbooks)('drafts a valid scenario from %s: symptoms first, diagnosis as injects, mitigation as expected actions', (path) => {
		const file = fileForPath(path, docs)!;
		const source = readFileSync(file, 'utf8');
		const page = parsePage(source, file);
		const checklist = extractFromParsed(page, source);
		const yaml = scenarioYaml(draftScenario(page.tree, checklist, pagePath(file, docs)), 'x.mdx');
		const slug = path.split('/').at(-2)!;
		const parsed = parseScenario(yaml, `${slug}.yaml`);
		expect(parsed.scenario.runbook).toBe(path);
		expect(scenarioProblems(parsed, { page: (p) => (p === path ? checklist : undefined), checks: null, regions: null })).toEqual([]);
		const [first, ...rest] = parsed.scenario.injects;
		expect(first).toMatchObject({ at: 0, channel: 'participant report' });
		const diagnosis = checklist.items.filter((i) => i.headingPath[0] === 'Diagnosis' && i.depth === 0).slice(0, 5);
		expect(rest.map((i) => i.at)).toEqual(diagnosis.map((_, n) => (n + 1) * 120));
		expect(rest.map((i) => i.check ?? null)).toEqual(diagnosis.map((i) => i.checkId));
		expect(parsed.scenario.expectedActions.map((a) => a.item)).toEqual(checklist.items.filter((i) => i.headingPath[0] === 'Mitigation' && i.depth === 0).map((i) => i.id));
		expect(parsed.scenario.roles.map((r) => r.role)).toEqual(expect.arrayContaining(['Facilitator', 'IC', 'On-call']));
		expect(yaml.startsWith('# Draft rehearsal scenario generated from x.mdx')).toBe(true);
	});
});

describe('handbook tabletop', () => {
	const run = (argv: string[]) => {
		const out: string[] = [];
		const err: string[] = [];
		const code = tabletop(argv, (s) => out.push(s), (s) => err.push(s));
		return { code, out: out.join('\n'), err: err.join('\n') };
	};

	it('prints the handout of a scenario by id, or writes it with --out', () => {
		const { scenario } = scenarios[0]!;
		const expected = tabletopHandout(scenario, runbookOf(scenario.runbook)).replace(/\n+$/, '');
		expect(run([scenario.id])).toEqual({ code: 0, out: expected, err: '' });
		const file = join(mkdtempSync(join(tmpdir(), 'handbook-tabletop-')), 'handout.md');
		expect(run([scenario.id, '--out', file]).code).toBe(0);
		expect(readFileSync(file, 'utf8')).toBe(`${expected}\n`);
	});

	it('drafts a scenario from a runbook given by site path or by file', () => {
		const bySite = run(['--from-runbook', '/incidents/provisioner-failure/']);
		expect(bySite.code).toBe(0);
		expect(scenarioSchema.parse(parseYaml(bySite.out)).runbook).toBe('/incidents/provisioner-failure/');
		expect(run(['--from-runbook', 'src/content/docs/incidents/provisioner-failure.mdx']).out).toBe(bySite.out);
	});

	it('refuses an unknown scenario, a page that is not a runbook, and no arguments', () => {
		expect(() => run(['nope'])).toThrow(UsageError);
		expect(() => run(['nope'])).toThrow(/scenarios: .*workspace-restart-loop/);
		expect(() => run(['--from-runbook', '/incidents/'])).toThrow('is not a runbook page');
		expect(() => run([])).toThrow(UsageError);
	});
});
