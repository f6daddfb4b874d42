import { toString } from 'mdast-util-to-string';
import { describe, expect, it } from 'vitest';
import { parsePage } from '../../src/checklists/parse.ts';
import { quoteText, textList } from '../../src/records/mdx-text.ts';

const typed = 'P2: 404s <after a proxy restart> {x}\n# not a heading *not emphasis* [not](a link) `not code`\n- not a list';

describe('text from runs, written into a retrospective page', () => {
	it('quotes typed text line for line, and MDX reads it back as exactly that text', () => {
		const mdx = quoteText(typed);
		expect(mdx.split('\n').every((l) => l.startsWith('> '))).toBe(true);
		const tree = parsePage(mdx, 'retro.mdx').tree;
		expect(tree.children.map((n) => n.type)).toEqual(['blockquote']);
		expect(toString(tree, { includeHtml: false })).toBe(typed.replace(/\n/g, ''));
	});

	it('lists lines as plain text items', () => {
		const items = ['healthz [loopback]: fail (answered <502> {x})', '- dash * star'];
		const tree = parsePage(textList(items), 'retro.mdx').tree;
		expect(tree.children).toHaveLength(1);
		const list = tree.children[0]!;
		expect(list.type === 'list' && list.children.map((i) => toString(i))).toEqual(items);
	});
});
