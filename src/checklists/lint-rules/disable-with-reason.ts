import { lintDisableEntrySchema, lintFrontmatterSchema } from '../lint-frontmatter.ts';
import type { At, LintRule, PageContext, Report } from './rule.ts';

/** LN001: every `lint.disable` entry is valid (its schema), names a known rule and says why. */
export const disableWithReason: LintRule = {
	id: 'LN001',
	name: 'disable-with-reason',
	severity: 'error',
	description: 'Every `lint.disable` entry in frontmatter names a known rule and gives the reason.',
	trigger: /^lint:/m,
};

/** A valid `lint.disable` entry of a page, and whether it suppressed anything. */
export interface Disable {
	rule: LintRule;
	reason: string;
	at: At;
	used: boolean;
}

/**
 * The page's `lint.disable` entries, validated by the frontmatter's own schema (the one the
 * build uses); each problem is an LN001 finding at the value it is about, and a bad entry
 * disables nothing.
 *
 * @example
 * readDisables(page, rulesByIdOrName, report) // → [{ rule: CT002 rule, reason: '…', at: { line: 5, column: 7 }, used: false }]
 */
export function readDisables(page: PageContext, known: ReadonlyMap<string, LintRule>, report: Report): Disable[] {
	const lint = page.frontmatter.lint;
	if (lint === undefined) return [];
	const at = (path: ReadonlyArray<string | number>) => page.frontmatterAt(['lint', ...path]);
	const shape = lintFrontmatterSchema.safeParse(lint);
	const list = (lint as { disable?: unknown } | null)?.disable;
	if (!shape.success) {
		// Problems of the object itself; entries are checked one by one below.
		for (const issue of shape.error.issues) {
			if (issue.code === 'unrecognized_keys') for (const key of issue.keys) report(at([key]), `lint.${key} is not a setting: lint has only \`disable\``);
			else if (issue.path[0] !== 'disable' || issue.path.length === 1) report(at(issue.path as Array<string | number>), `lint: ${issue.message}`);
		}
	}
	if (!Array.isArray(list)) return [];
	const out: Disable[] = [];
	list.forEach((entry, i) => {
		const parsed = lintDisableEntrySchema.safeParse(entry);
		if (!parsed.success) {
			for (const issue of parsed.error.issues) report(at(['disable', i, ...(issue.path as Array<string | number>)]), `lint.disable[${i}]${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
			return;
		}
		const where = at(['disable', i, 'rule']);
		const rule = known.get(parsed.data.rule);
		if (!rule) report(where, `lint.disable names an unknown rule "${parsed.data.rule}"; rules: ${[...new Set([...known.values()].map((r) => r.id))].join(', ')}`);
		else if (rule.id === 'LN001' || rule.id === 'PG001') report(where, `${rule.id} cannot be disabled`);
		else out.push({ rule, reason: parsed.data.reason, at: where, used: false });
	});
	return out;
}
