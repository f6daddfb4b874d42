import type { Checklist } from './extract.ts';

/** An item a board shows: its id, the check it is bound to, its text. */
export interface WatchedItem {
	id: string;
	checkId: string;
	text: string;
}

/**
 * The items a board (`checklist.watch`) shows: for each watched check, in the order watched, the
 * page's first item bound to it. Every watched check has one on a page the lint passes (CK012,
 * lint-rules/watched-check-bound.ts); a check without one is left out here, not reported twice.
 *
 * @example
 * watchedItems(extractChecklist('- [ ] Key valid <Check id="litellm-key-expiry" />\n', 'p.mdx'), ['litellm-key-expiry'])
 * // → [{ id: 'litellm-key-expiry', checkId: 'litellm-key-expiry', text: 'Key valid' }]
 */
export function watchedItems(checklist: Checklist, checks: readonly string[]): WatchedItem[] {
	return checks.flatMap((checkId) => {
		const item = checklist.items.find((i) => i.checkId === checkId);
		return item ? [{ id: item.id, checkId, text: item.text }] : [];
	});
}
