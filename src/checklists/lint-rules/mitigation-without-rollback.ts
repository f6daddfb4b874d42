import type { LintRule } from './rule.ts';
import { isRunbook, presentSections, type Section } from './runbook-sections.ts';

/** RB004: what a runbook's Mitigation does, its Rollback can undo. */
export const mitigationWithoutRollback: LintRule = {
	id: 'RB004',
	name: 'mitigation-without-rollback',
	severity: 'error',
	description: 'A runbook whose Mitigation section has checklist items has Rollback items to undo them.',
	trigger: /^runbook:/m,
	page({ tree, frontmatter, checklist }, report) {
		if (!isRunbook(frontmatter)) return;
		const present = presentSections(tree);
		const itemsIn = (s: Section | undefined) => (s ? checklist.items.filter((i) => i.line > s.start && i.line <= s.end).length : 0);
		const mitigation = present.get(3);
		const rollback = present.get(4);
		const n = itemsIn(mitigation);
		if (mitigation && n > 0 && itemsIn(rollback) === 0) {
			report(
				(rollback ?? mitigation).heading.position!.start,
				`"## Mitigation" has ${n} checklist item${n > 1 ? 's' : ''} but ${rollback ? '"## Rollback" has none' : 'there is no "## Rollback"'}: add one item to undo each mitigation (or disable RB004 in frontmatter with the reason none can be undone)`,
			);
		}
	},
};
