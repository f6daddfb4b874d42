import type { ChecklistItem } from './extract.ts';

/** A check of the catalogue an imported item may be verified by. */
export interface BindingSuggestion {
	item: Pick<ChecklistItem, 'id' | 'text' | 'line'>;
	checkId: string;
	checkTitle: string;
	/** How much of the shorter word set the two share, 0 to 1. */
	score: number;
}

const stopWords = new Set('a an and are as at be by for from in is it its of on or the to with all any every each no not this that than into via per check verify ensure confirm make sure'.split(' '));

const words = (s: string) =>
	new Set(
		s
			.toLowerCase()
			.replace(/[^a-z0-9\s-]/g, ' ')
			.split(/[\s-]+/)
			.map((w) => w.replace(/(?:ing|ed|es|s)$/, ''))
			.filter((w) => w.length > 1 && !stopWords.has(w)),
	);

/**
 * Checks of the catalogue whose title shares most words with an item's text (the overlap over
 * the smaller word set, at least `min`), best first, at most two per item. Suggestions only: the
 * import prints them and never binds a check by itself.
 *
 * @example
 * suggestBindings([{ id: 'x', text: 'LiteLLM key valid for more than 7 days', line: 3 }], [{ id: 'litellm-key-expiry', title: 'LiteLLM key expiry' }])
 * // → [{ item: { id: 'x', … }, checkId: 'litellm-key-expiry', checkTitle: 'LiteLLM key expiry', score: 0.67 }]
 */
export function suggestBindings(items: ReadonlyArray<Pick<ChecklistItem, 'id' | 'text' | 'line'>>, checks: ReadonlyArray<{ id: string; title: string }>, min = 0.5): BindingSuggestion[] {
	const catalogue = checks.map((c) => ({ ...c, words: words(`${c.title} ${c.id}`) }));
	const out: BindingSuggestion[] = [];
	for (const item of items) {
		const mine = words(item.text);
		if (mine.size === 0) continue;
		const scored = catalogue
			.map((c) => {
				const shared = [...mine].filter((w) => c.words.has(w)).length;
				return { c, score: shared / Math.min(mine.size, c.words.size), shared };
			})
			.filter((s) => s.shared >= 2 && s.score >= min)
			.sort((a, b) => b.score - a.score)
			.slice(0, 2);
		for (const s of scored) out.push({ item: { id: item.id, text: item.text, line: item.line }, checkId: s.c.id, checkTitle: s.c.title, score: Math.round(s.score * 100) / 100 });
	}
	return out;
}
