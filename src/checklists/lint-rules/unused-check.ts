import type { LintRule } from './rule.ts';

/** CK008: run by `lintSite` over the whole docs (a check bound by no page). */
export const unusedCheck: LintRule = {
	id: 'CK008',
	name: 'unused-check',
	severity: 'warning',
	description: 'Every check defined in handbook.config.ts is bound to an item on some page.',
};
