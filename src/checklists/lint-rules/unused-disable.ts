import type { LintRule } from './rule.ts';

/** LN002: reported by the lint itself for a `lint.disable` entry that suppressed nothing. */
export const unusedDisable: LintRule = {
	id: 'LN002',
	name: 'unused-disable',
	severity: 'warning',
	description: 'A `lint.disable` entry suppresses at least one finding; remove it once the page is fixed.',
};
