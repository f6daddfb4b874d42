import type { PhrasingContent, Root, RootContent } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkStringify from 'remark-stringify';
import { unified } from 'unified';

const serializer = unified().use(remarkStringify, { bullet: '-', listItemIndent: 'one', emphasis: '_', strong: '*' }).use(remarkGfm).use(remarkMdx).freeze();

/**
 * MDX of some block nodes, written by mdast-util-to-markdown (with the GFM and MDX extensions):
 * whatever a text node holds comes out as that text, with `<`, `{`, `*`, `[`… escaped where MDX
 * would read them as syntax.
 *
 * @example
 * blocksToMarkdown([{ type: 'paragraph', children: [{ type: 'text', value: 'a <b> {c}' }] }]) // → 'a \\<b> \\{c}'
 */
export function blocksToMarkdown(nodes: RootContent[]): string {
	return serializer.stringify({ type: 'root', children: nodes } satisfies Root).trim();
}

/** Lines of text as one paragraph's children, a hard break between lines. */
function lines(text: string): PhrasingContent[] {
	return text.split(/\r?\n/).flatMap((line, i): PhrasingContent[] => (i === 0 ? [{ type: 'text', value: line }] : [{ type: 'break' }, { type: 'text', value: line }]));
}

/**
 * Text someone typed into a run (blockers, the day's incident notes) as a block quote that shows
 * it as typed, line for line: nothing in it becomes a heading, a link, HTML or an expression.
 *
 * @example
 * quoteText('P2: 404s <after a restart>') // → '> P2: 404s \\<after a restart>'
 */
export function quoteText(text: string): string {
	return blocksToMarkdown([{ type: 'blockquote', children: [{ type: 'paragraph', children: lines(text) }] }]);
}

/**
 * Lines of plain text (check results with their messages) as a bullet list, each shown as written.
 *
 * @example
 * textList(['healthz: fail (answered <502>)']) // → '- healthz: fail (answered \\<502>)'
 */
export function textList(items: readonly string[]): string {
	return blocksToMarkdown([{ type: 'list', ordered: false, spread: false, children: items.map((t) => ({ type: 'listItem', spread: false, children: [{ type: 'paragraph', children: [{ type: 'text', value: t }] }] })) }]);
}
