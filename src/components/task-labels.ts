// A rehype plugin for the docs pages: the checkbox GFM draws for a task item (`- [ ] …`) on a page
// that is not a live checklist is a disabled input with no name, which screen readers announce as
// "checkbox, unlabelled". It gets the item's own text as its name.
import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';

/** The item's text without its nested lists (sub-items have their own checkboxes). */
function itemText(li: Element): string {
	const own: Element = { ...li, children: li.children.filter((c) => !(c.type === 'element' && (c.tagName === 'ul' || c.tagName === 'ol'))) };
	return toString(own).replace(/\s+/g, ' ').trim();
}

/**
 * Names every task-list checkbox after its item: `aria-label` with the item's text, cut at 150
 * characters (the text stays on the page for the rest).
 *
 * @example
 * // '- [ ] **Scribe**: Attendance recorded' → <input type="checkbox" disabled aria-label="Scribe: Attendance recorded">
 */
export function rehypeTaskLabels() {
	return (tree: Root) => {
		visit(tree, 'element', (li: Element) => {
			if (li.tagName !== 'li') return;
			const classes = li.properties.className;
			if (!(Array.isArray(classes) && classes.includes('task-list-item'))) return;
			const text = itemText(li);
			if (!text) return;
			// The box is the item's first child, or the first child of its first paragraph (a loose list).
			const first = li.children.find((c): c is Element => c.type === 'element');
			const input = first?.tagName === 'p' ? first.children.find((c): c is Element => c.type === 'element') : first;
			if (input?.tagName !== 'input' || input.properties.type !== 'checkbox' || input.properties.ariaLabel) return;
			input.properties.ariaLabel = text.length > 150 ? `${text.slice(0, 149)}…` : text;
		});
	};
}
