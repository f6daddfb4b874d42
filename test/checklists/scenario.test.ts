import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kinds } from '../../src/checks/kinds/index.ts';
import { loadConfig } from '../../src/checks/load-config.ts';
import { ChecklistRegistry, pagePath } from '../../src/checklists/registry.ts';
import { formatOffset, loadScenarios, parseOffset, parseScenario, ScenarioError, scenarioProblems } from '../../src/checklists/scenario.ts';
import { root } from '../support/site.ts';

const scenarioDir = join(root, 'src/content/scenarios');
const registry = new ChecklistRegistry(join(root, 'src/content/docs'));
const pages = new Map(registry.pages().map((c) => [pagePath(c.file, registry.dir), c]));
const runbooks = [...pages].filter(([, c]) => c.frontmatter.runbook).map(([path]) => path);

describe('the shipped scenarios', () => {
	const files = loadScenarios(scenarioDir);

	it('are one for each incident runbook', () => {
		expect(runbooks).toHaveLength(6);
		expect(files.map((f) => f.scenario.runbook).sort()).toEqual([...runbooks].sort());
	});

	it.each(files.map((f) => [f.scenario.id, f] as const))('%s names checklist items of its runbook, and checks and regions of the config', async (_id, file) => {
		const handbook = await loadConfig(kinds, join(root, 'handbook.config.ts'));
		const world = {
			page: (path: string) => pages.get(path),
			checks: new Set(handbook.checks.keys()),
			regions: new Set([...handbook.environments.values()].flatMap((e) => e.regions.map((r) => r.name))),
		};
		expect(scenarioProblems(file, world)).toEqual([]);
		const ids = new Set(pages.get(file.scenario.runbook)!.items.map((i) => i.id));
		for (const action of file.scenario.expectedActions) expect(ids, `${action.item} on ${file.scenario.runbook}`).toContain(action.item);
		expect(file.scenario.injects.some((i) => i.check && i.status !== 'pass'), 'at least one check inject that is not healthy').toBe(true);
	});
});

describe('time offsets', () => {
	it('read "+4m", "+90s", "+1m30s", "+1h" and seconds', () => {
		expect(['+4m', '+90s', '+1m30s', '+1h', '0m', 75].map(parseOffset)).toEqual([240, 90, 90, 3600, 0, 75]);
		expect(() => parseOffset('4 minutes')).toThrow('"4 minutes" is not a time offset');
		expect(() => parseOffset('+')).toThrow();
	});
	it('write back the way scenarios write them', () => {
		expect([0, 90, 240, 3600, 3690].map(formatOffset)).toEqual(['+0m', '+1m30s', '+4m', '+1h', '+1h1m30s']);
	});
});

describe('parseScenario', () => {
	const good = readFileSync(join(scenarioDir, 'workspace-restart-loop.yaml'), 'utf8');

	it('gives offsets in seconds and expected actions with their target', () => {
		const { scenario } = parseScenario(good, 'workspace-restart-loop.yaml');
		expect(scenario.injects[2]).toMatchObject({ at: 120, check: 'workspace-restarts', status: 'warn' });
		expect(scenario.expectedActions[1]).toEqual({ item: 'restart-declare', by: 300 });
	});

	it('reports every problem with its line, column and path', () => {
		const bad = 'id: other\ntitle: T\nrunbook: incidents/x\nnarrative: n\nhiddenCause: h\nroles: [{ role: IC, brief: b }]\ninjects:\n  - { at: soon, message: m }\n  - { at: +1m, status: fail, message: m }\nexpectedActions: [a]\ndiscussionQuestions: [q]\n';
		try {
			parseScenario(bad, 'x.yaml');
			expect.unreachable();
		} catch (e) {
			expect(e).toBeInstanceOf(ScenarioError);
			expect((e as ScenarioError).issues.map((i) => [i.line, i.column, i.path])).toEqual([
				[3, 10, 'runbook'],
				[8, 11, 'injects[0].at'],
				[9, 24, 'injects[1].status'],
			]);
		}
	});

	it('wants the id to match the file name', () => {
		expect(() => parseScenario(good, 'restarts.yaml')).toThrow('the id "workspace-restart-loop" must match the file name "restarts"');
	});
});
