import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toText } from 'hast-util-to-text';
import { visit } from 'unist-util-visit';

export interface PageFacts {
	title: string;
	h1: string;
	ids: Set<string>;
	/** [href, text] of every <a> in the document. */
	links: Array<{ href: string; text: string }>;
	/** id and text of every h2 inside the main content, in order. */
	h2: Array<{ id: string; text: string }>;
	mainText: string;
}

/** Parses built HTML once and pulls out what the site tests assert on. */
export function pageFacts(html: string): PageFacts {
	const tree: Root = fromHtml(html);
	const facts: PageFacts = { title: '', h1: '', ids: new Set(), links: [], h2: [], mainText: '' };
	visit(tree, 'element', (el: Element) => {
		const id = el.properties.id;
		if (typeof id === 'string') facts.ids.add(id);
		if (el.tagName === 'title') facts.title = toText(el);
		if (el.tagName === 'h1') facts.h1 = toText(el).trim();
		if (el.tagName === 'a' && typeof el.properties.href === 'string') facts.links.push({ href: el.properties.href, text: toText(el).trim() });
		if (el.tagName === 'main') facts.mainText = toText(el);
		if (el.tagName === 'div' && (el.properties.className as string[] | undefined)?.includes('sl-markdown-content')) {
			visit(el, 'element', (h: Element) => {
				if (h.tagName === 'h2') facts.h2.push({ id: String(h.properties.id ?? ''), text: toText(h).trim() });
			});
		}
	});
	return facts;
}
