import type { LintRule } from './rule.ts';

/** SC001: run by `lintScenario` over each scenario file. */
export const scenarioRule: LintRule = {
	id: 'SC001',
	name: 'scenario',
	severity: 'error',
	description: 'Every rehearsal scenario (src/content/scenarios) validates, and names a runbook page, checks, regions and checklist items that exist.',
};
