import { sortFindings, type Finding } from './lint.ts';
import { parseScenario, ScenarioError, scenarioProblems, type ScenarioIssue, type ScenarioWorld } from './scenario.ts';

// Apart from lint.ts: only a lint of the docs reads scenarios, and their schema (zod) need not
// load for a lint of other pages.

/**
 * SC001 for one scenario file: schema problems, or references to pages, items, checks and regions
 * that do not exist (see `scenarioProblems`).
 *
 * @example
 * lintScenario(yamlSource, 'src/content/scenarios/restart-loop.yaml', world) // → [] for a good scenario
 */
export function lintScenario(source: string, file: string, world: ScenarioWorld): Finding[] {
	let issues: ScenarioIssue[];
	try {
		issues = scenarioProblems(parseScenario(source, file), world);
	} catch (err) {
		if (!(err instanceof ScenarioError)) throw err;
		issues = err.issues;
	}
	return sortFindings(issues.map((i) => ({ file, line: i.line, column: i.column, rule: 'SC001', severity: 'error' as const, message: i.path ? `${i.path}: ${i.message}` : i.message })));
}
