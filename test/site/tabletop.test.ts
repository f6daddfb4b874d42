import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarios } from '../../src/checklists/scenario.ts';
import { pageFacts } from '../support/html.ts';
import { builtPage, root } from '../support/site.ts';

const scenarios = loadScenarios(join(root, 'src/content/scenarios')).map((s) => s.scenario);

describe('tabletop handout pages', () => {
	it.each(scenarios.map((s) => [s.id, s] as const))('/tabletop/%s/ is built with the handout', (id, scenario) => {
		const html = builtPage(`tabletop/${id}`);
		const page = pageFacts(html);
		expect(page.title).toBe(`Tabletop: ${scenario.title} | Workshop Handbook`);
		expect(page.h1).toBe(`Tabletop: ${scenario.title}`);
		expect(page.h2.map((h) => h.text)).toEqual(['Narrative', 'Hidden cause', 'Roles', 'Injects', 'Expected actions', 'The runbook checklist', 'Discussion questions', 'Hot wash']);
		expect(page.links.map((l) => l.href)).toContain(scenario.runbook);
		expect(page.mainText).toContain(scenario.discussionQuestions[0]!);
	});

	it('are linked from the incident response overview', () => {
		const links = pageFacts(builtPage('incidents')).links.map((l) => l.href);
		for (const s of scenarios) expect(links).toContain(`/tabletop/${s.id}/`);
	});
});
