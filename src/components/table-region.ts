// A rehype plugin for Markdown rendered inside our own pages (tabletop handouts, after-action
// reports): every table sits in a scrollable region a keyboard can reach and a screen reader
// names, so a wide table scrolls instead of pushing the page sideways on a phone.
import type { Element, ElementContent, Root, RootContent } from 'hast';
import { toString } from 'hast-util-to-string';

const isHeading = (node: RootContent): node is Element => node.type === 'element' && /^h[1-6]$/.test(node.tagName);

/**
 * Wraps each top-level `<table>` in `<div class="hb-table-region" role="region" tabindex="0"
 * aria-label="…">`, named after the heading above it ("Injects table"), else "Table N".
 *
 * @example
 * createMarkdownProcessor({ rehypePlugins: [rehypeTableRegion] })
 * // '## Injects\n\n| a |\n| - |' → '<h2>Injects</h2><div class="hb-table-region" … aria-label="Injects (table)"><table>…'
 */
export function rehypeTableRegion() {
	return (tree: Root) => {
		let heading = '';
		let count = 0;
		tree.children = tree.children.map((node) => {
			if (isHeading(node)) heading = toString(node).trim();
			if (node.type !== 'element' || node.tagName !== 'table') return node;
			count += 1;
			const wrapper: Element = {
				type: 'element',
				tagName: 'div',
				properties: { className: ['hb-table-region'], role: 'region', tabIndex: 0, ariaLabel: heading ? `${heading} (table)` : `Table ${count}` },
				children: [node as ElementContent],
			};
			return wrapper;
		});
	};
}
