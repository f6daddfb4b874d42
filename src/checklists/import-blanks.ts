import type { Nodes, Parent, PhrasingContent, Root } from 'mdast';
import type { MdxJsxTextElement } from 'mdast-util-mdx-jsx';
import { toString } from 'mdast-util-to-string';

/** A blank of a paper checklist turned into a `<Field>`: what it records and where it was. */
export interface ImportedField {
	name: string;
	type: 'date' | 'datetime' | 'number' | 'person' | 'text';
	label: string;
	unit: string | null;
	line: number;
}

/**
 * The field type a blank's label suggests: a date for "expire on" or "Validation Date", a
 * number for counts, replicas and percentages, a person for "Validated By", else text.
 *
 * @example
 * guessFieldType('AWS credentials expire on', null) // → 'date'
 * guessFieldType('Scaled to', 'replicas') // → 'number'
 */
export function guessFieldType(label: string, unit: string | null): ImportedField['type'] {
	const l = label.toLowerCase();
	if (/\btime\b|\btimestamp\b/.test(l)) return 'datetime';
	if (/\bdate\b|\bexpir\w*|\bdeadline\b|\bdue\b|\b(?:on|until|since)$/.test(l)) return 'date';
	if (unit || /\b(?:participants|attendees|attendance|users|count|number|how many|replicas?|nodes?|size|minutes|hours|seconds|percent\w*|cpu|memory|gb|mb|total|usage)\b|%/.test(l)) return 'number';
	if (/\b(?:by|owner|who|assignee|name of)$|\bvalidated by\b|\bsigned\b/.test(l)) return 'person';
	return 'text';
}

const blankChars = /^[*_]+$/;
/** Units a number blank may be followed by: `____% used`, `____ replicas`. */
const unitAfter = /^\s*(%|replicas?|nodes?|pods?|GB|GiB|MB|MiB|minutes?|hours?|seconds?|users|participants)\b|^\s*(%)/;

/** The text a reader sees (code and JSX left out). */
function shown(node: Nodes): string {
	if (node.type === 'inlineCode' || node.type.startsWith('mdx')) return '';
	return toString(node);
}

const slug = (s: string) =>
	s
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[^\w\s-]/g, '')
		.split(/[\s_-]+/)
		.filter(Boolean)
		.slice(-5)
		.join('-');

/** The label of a blank: the words before it, back to the previous blank or sentence. */
function labelBefore(text: string): string {
	const clause = text.split(/[.;!?](?:\s|$)|\n/).pop() ?? '';
	return clause
		.replace(/[*_]+/g, ' ')
		.replace(/[:=\-–—\s]+$/, '')
		.replace(/^[\s\-–—:]+/, '')
		.replace(/\s+/g, ' ')
		.trim();
}

type Piece = { kind: 'node'; node: PhrasingContent } | { kind: 'chars'; value: string; node: PhrasingContent };

/**
 * Replaces the blanks of a page (runs of underscores, also written with escapes or drawn with
 * emphasis: `____`, `\_\_\_`, `**\*\*\*\***\_**\*\*\*\***`) with `<Field>` elements named,
 * typed and labelled from the words before them. Code and tables' headers are left alone.
 * Returns the fields made, in page order; names are unique on the page.
 *
 * @example
 * blanksToFields(parsePage('- [ ] AWS credentials expire on: ____\n', 'a.md').tree)
 * // → [{ name: 'aws-credentials-expire-on', type: 'date', label: 'AWS credentials expire on', unit: null, line: 1 }]
 */
export function blanksToFields(tree: Root): ImportedField[] {
	const fields: ImportedField[] = [];
	const names = new Map<string, number>();
	const uniqueName = (base: string) => {
		const n = (names.get(base) ?? 0) + 1;
		names.set(base, n);
		return n === 1 ? base : `${base}-${n}`;
	};

	function rewrite(parent: Parent & { children: PhrasingContent[] }) {
		const pieces: Piece[] = [];
		for (const child of parent.children) {
			if (child.type === 'text') {
				for (const part of child.value.split(/([*_]+)/)) {
					if (part === '') continue;
					pieces.push(blankChars.test(part) ? { kind: 'chars', value: part, node: { ...child, value: part } } : { kind: 'node', node: { ...child, value: part } });
				}
			} else if ((child.type === 'strong' || child.type === 'emphasis') && blankChars.test(shown(child))) {
				pieces.push({ kind: 'chars', value: shown(child), node: child });
			} else {
				if ('children' in child && (child.type === 'strong' || child.type === 'emphasis' || child.type === 'delete' || child.type === 'link')) rewrite(child as Parent & { children: PhrasingContent[] });
				pieces.push({ kind: 'node', node: child });
			}
		}
		const out: PhrasingContent[] = [];
		let before = '';
		for (let i = 0; i < pieces.length; ) {
			if (pieces[i]!.kind !== 'chars') {
				const node = pieces[i]!.node;
				before += shown(node);
				out.push(node);
				i++;
				continue;
			}
			let j = i;
			let run = '';
			while (j < pieces.length && pieces[j]!.kind === 'chars') run += (pieces[j++] as { value: string }).value;
			const isBlank = run.length >= 3 && run.includes('_');
			if (!isBlank) {
				// Emphasis markers or a word's underscore: keep as they were.
				for (let k = i; k < j; k++) {
					out.push(pieces[k]!.node);
					before += shown(pieces[k]!.node);
				}
				i = j;
				continue;
			}
			const next = pieces[j]?.kind === 'node' ? shown(pieces[j]!.node) : '';
			const unitMatch = unitAfter.exec(next);
			const unit = unitMatch ? (unitMatch[1] ?? unitMatch[2])! : null;
			const label = labelBefore(before);
			const type = guessFieldType(label, unit);
			const name = uniqueName(slug(label) || 'value');
			const line = pieces[i]!.node.position?.start.line ?? parent.position?.start.line ?? 0;
			fields.push({ name, type, label: label || name, unit, line });
			const attributes = [
				{ type: 'mdxJsxAttribute', name: 'name', value: name },
				{ type: 'mdxJsxAttribute', name: 'type', value: type },
				{ type: 'mdxJsxAttribute', name: 'label', value: label || name },
				...(unit ? [{ type: 'mdxJsxAttribute', name: 'unit', value: unit }] : []),
			] as MdxJsxTextElement['attributes'];
			out.push({ type: 'mdxJsxTextElement', name: 'Field', attributes, children: [] } as MdxJsxTextElement);
			before = '';
			i = j;
		}
		// Adjacent text pieces back into one node, so the serializer escapes them as one.
		parent.children = out.reduce<PhrasingContent[]>((acc, node) => {
			const last = acc.at(-1);
			if (last?.type === 'text' && node.type === 'text') acc[acc.length - 1] = { ...last, value: last.value + node.value };
			else acc.push(node);
			return acc;
		}, []);
	}

	const walk = (node: Nodes) => {
		if (node.type === 'paragraph' || node.type === 'tableCell') rewrite(node as Parent & { children: PhrasingContent[] });
		else if ('children' in node && node.type !== 'heading') for (const child of node.children as Nodes[]) walk(child);
	};
	walk(tree);
	return fields;
}
