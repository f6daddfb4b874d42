import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/checks/outcome.ts';
import { extractChecklist, extractFromParsed, textItemId } from '../../src/checklists/extract.ts';
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

describe('handbook tabletop --from-runbook on runbooks from elsewhere', () => {
	const run = (argv: string[]) => {
		const out: string[] = [];
		const err: string[] = [];
		const code = tabletop(argv, (s) => out.push(s), (s) => err.push(s));
		return { code, out: out.join('\n'), err: err.join('\n') };
	};
	const incidentRunbook = join(root, '../shared/reference/source/docs/INCIDENT_RUNBOOK.md');

	it('drafts from the first incident of a multi-incident runbook: its symptoms, diagnosis steps and resolution steps', () => {
		const { code, out, err } = run(['--from-runbook', incidentRunbook]);
		expect(code).toBe(0);
		expect(err).toMatch(/has 6 incidents \(1: Workspace Restarts \/ Self-Healing Loop; 2: Subdomain Routing Failures;.*\); drafting 1, --incident N for another/);
		const scenario = scenarioSchema.parse(parseYaml(out));
		expect(scenario.title).toBe('Rehearsal: Workspace Restarts / Self-Healing Loop');
		expect(scenario.runbook).toBe('/imported/workshop-incident-runbook/workspace-restarts-self-healing-loop/');
		expect(scenario.narrative).toContain('Workspaces repeatedly restarting; Users losing progress');
		expect(scenario.narrative).not.toContain('something is wrong');
		expect(scenario.hiddenCause).toContain('Ephemeral volume storage exhaustion');
		expect(scenario.injects.slice(1).map((i) => i.message)).toEqual([
			'draft: what the players see when they "Check node storage across all regions"',
			'draft: what the players see when they "Check ephemeral volume usage"',
			'draft: what the players see when they "Check for evicted pods across all regions"',
			'draft: what the players see when they "Check workspace pod events"',
			'draft: what the players see when they "Check Karpenter node allocation"',
		]);
		// The resolution steps, by the ids they get as task items (`- [ ] step`).
		expect(scenario.expectedActions.map((a) => a.item)).toEqual(
			['If caused by LiteLLM key rotation during workshop:', 'Identify workspaces consuming excessive storage:', 'If specific workspace is problematic, delete it:', 'If cluster-wide issue, trigger Karpenter scaling or manually add nodes:', 'Pause new workspace deployments', 'Ask participants to save work and stop workspaces', 'Clean up unused workspaces'].map(textItemId),
		);
		expect(extractChecklist('- [ ] Pause new workspace deployments\n', 'x.md').items[0]!.id).toBe(scenario.expectedActions[4]!.item);
	});

	it('drafts another incident with --incident, and says which exist when the number is wrong', () => {
		const second = scenarioSchema.parse(parseYaml(run(['--from-runbook', incidentRunbook, '--incident', '2']).out));
		expect(second.runbook).toBe('/imported/workshop-incident-runbook/subdomain-routing-failures/');
		expect(() => run(['--from-runbook', incidentRunbook, '--incident', '9'])).toThrow(/has 6 incidents \(1: Workspace Restarts.*\), no incident 9/);
		expect(() => run(['--from-runbook', incidentRunbook, '--incident', 'two'])).toThrow(UsageError);
	});

	it('drafts from a runbook file outside the docs with H3 sections under each incident and no task items', () => {
		const dir = mkdtempSync(join(tmpdir(), 'handbook-tabletop-foreign-'));
		const file = join(dir, 'ops.md');
		writeFileSync(file, '# Ops runbook\n\n## Disk full\n\n### Symptoms\n\n- Pods evicted on one node\n\n### Diagnosis\n\n1. Check `df -h` on the node\n2. List the largest images\n\n### Resolution\n\n1. Delete old images\n2. Cordon the node\n\n## DNS down\n\n### Symptoms\n\n- Names do not resolve\n\n### Diagnosis\n\n1. Query the resolver\n\n### Resolution\n\n1. Restart the resolver\n');
		const { code, out } = run(['--from-runbook', file]);
		expect(code).toBe(0);
		const scenario = scenarioSchema.parse(parseYaml(out));
		expect(scenario.injects.map((i) => i.message)).toEqual(['Pods evicted on one node', 'draft: what the players see when they "Check df -h on the node"', 'draft: what the players see when they "List the largest images"']);
		expect(scenario.expectedActions.map((a) => a.item)).toEqual([textItemId('Delete old images'), textItemId('Cordon the node')]);
	});
});
