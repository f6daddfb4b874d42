import { explicitIdSyntax } from '../extract.ts';
import type { LintRule } from './rule.ts';

/**
 * CK006: two items of a page with one id. The same text under different headings is not a
 * duplicate (its ids include the heading path, see `collectItems`); the fix suggested is the
 * explicit-id syntax of the page's kind, so it never becomes part of an item's text.
 */
export const duplicateItemId: LintRule = {
	id: 'CK006',
	name: 'duplicate-item-id',
	severity: 'error',
	description: 'No two checklist items of a page share an id: a shared id makes both depend on their order, so stored ticks can move to the wrong item.',
	trigger: /\[[ xX]\]/,
	page({ checklist, file }, report) {
		const explicit = explicitIdSyntax(file);
		for (const c of checklist.collisions) {
			report(
				c,
				c.source === 'explicit'
					? `item id "${c.base}" is already used by the item on line ${c.firstLine}: explicit ids must be unique on a page`
					: c.source === 'check'
						? `a second item bound to "${c.base}" (the first is on line ${c.firstLine}) gets the id "${c.id}" by its position: bind a check once per page, or give this item its own ${explicit}`
						: `same text and heading as the item on line ${c.firstLine}, so this one gets the id "${c.id}" by its position: reword one of them or give it ${explicit}`,
			);
		}
	},
};
