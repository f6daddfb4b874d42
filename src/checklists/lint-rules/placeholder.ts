import type { Nodes } from 'mdast';
import { positionIn } from './position.ts';
import type { At, LintRule } from './rule.ts';

const patterns: RegExp[] = [/\b(?:TODO|TBD|FIXME|XXX)\b/g, /_{3,}/g, /<(?:placeholder|insert\b[^>]*|your[ -][^>]*|tbd|todo)>/gi, /\blorem ipsum\b/gi];
const placeholderElement = /^(?:placeholder|insert|tbd|todo)$/i;
/** A blank drawn with escaped or emphasised underscores and asterisks: `\_\_\_`, `**\*\*\***\_**\*\*\***`. */
const drawnBlank = /[*_]{3,}/g;
const drawnBlankSource = /(?:\\?[*_]){3,}/g;

/** The text a reader sees in a block of phrasing (code, HTML and JSX left out). */
function shownText(node: Nodes): string {
	if (node.type === 'text') return node.value;
	if (node.type === 'inlineCode' || node.type === 'html' || node.type.startsWith('mdx')) return ' ';
	return 'children' in node ? (node.children as Nodes[]).map(shownText).join('') : '';
}

/** Where the block's blanks drawn with escapes are written, in order. */
function drawnBlanksAt(node: Nodes, lines: readonly string[]): At[] {
	const start = node.position!.start;
	const out: At[] = [];
	for (let line = start.line; line <= node.position!.end.line; line++) {
		const text = lines[line - 1] ?? '';
		for (const m of text.matchAll(drawnBlankSource)) if (m[0].includes('\\') && m.index >= (line === start.line ? start.column - 1 : 0)) out.push({ line, column: m.index + 1 });
	}
	return out;
}

const message = (what: string, inItem: boolean) =>
	inItem ? `placeholder "${what}" in a checklist item: record the value with <Field name="…" /> instead of a blank` : `placeholder "${what}" left in the text: write it out, or track the gap in an issue`;

/** CT001: blanks and to-dos left in the text; a value to fill in is a <Field>. */
export const placeholder: LintRule = {
	id: 'CT001',
	name: 'placeholder',
	severity: 'error',
	description: 'No TODO, TBD, FIXME, XXX, runs of underscores (escaped or not), <placeholder> or lorem ipsum in prose or items: a value to fill in is a <Field>.',
	trigger: /TODO|TBD|FIXME|XXX|__|\\[_*]|&#|&lt;|<(?:placeholder|insert|your|tbd|todo)|lorem/i,
	node(node, { inItem }, { lines }, report) {
		switch (node.type) {
			case 'text':
			case 'html':
				for (const pattern of patterns) {
					for (const m of node.value.matchAll(pattern)) report(positionIn(node, m.index, m[0], lines), message(m[0].length > 40 ? `${m[0].slice(0, 37)}…` : m[0], inItem));
				}
				return;
			case 'paragraph':
			case 'heading':
			case 'tableCell':
				// A blank spread over several nodes (`**\*\*\***\_**\*\*\***` is "****", "_", "****"),
				// which no single text node shows; a plain run of underscores is found above.
				{
					const blanks = [...shownText(node).matchAll(drawnBlank)].filter((m) => m[0].includes('_') && !m[0].includes('___'));
					if (!blanks.length) return;
					const where = drawnBlanksAt(node, lines);
					blanks.forEach((m, i) => report(where.length === blanks.length ? where[i]! : (where[0] ?? node.position!.start), message(m[0], inItem)));
				}
				return;
			case 'mdxJsxFlowElement':
			case 'mdxJsxTextElement':
				if (node.name && placeholderElement.test(node.name)) report(node.position!.start, `placeholder <${node.name}> ${inItem ? 'in a checklist item: record the value with <Field name="…" /> instead' : 'left in the text: write it out'}`);
		}
	},
};
