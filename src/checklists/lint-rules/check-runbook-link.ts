import type { LintRule } from './rule.ts';

/** CK009: run by `lintSite` over the whole docs (a check's runbook link that does not resolve). */
export const checkRunbookLink: LintRule = {
	id: 'CK009',
	name: 'check-runbook-link',
	severity: 'error',
	description: "Every check's runbook link resolves to a page and heading of the docs.",
};
