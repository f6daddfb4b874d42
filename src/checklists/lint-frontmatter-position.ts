import type { Root } from 'mdast';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';

/** A position in a page, 1-based. */
export interface FrontmatterAt {
	line: number;
	column: number;
}

/**
 * A function giving where a frontmatter key or value is written on the page, read from the YAML
 * document (parsed on first use): the key for a map entry (`['runbook']` → the `runbook:` line),
 * the item for a list index, the nearest parent when the path is not there, and the first line
 * of the frontmatter when there is none.
 *
 * @example
 * frontmatterLocator(parsePage('---\ntitle: T\nrunbook: { id: X }\n---\n', 'p.md').tree)(['runbook']) // → { line: 3, column: 1 }
 */
export function frontmatterLocator(tree: Root): (path: ReadonlyArray<string | number>) => FrontmatterAt {
	const yaml = tree.children[0]?.type === 'yaml' ? tree.children[0] : null;
	let located: { doc: ReturnType<typeof parseDocument>; lines: LineCounter } | null = null;
	return (path) => {
		if (!yaml) return { line: 1, column: 1 };
		// The YAML's first line is the one after the opening `---`.
		const first = (yaml.position?.start.line ?? 1) + 1;
		if (!located) {
			const lines = new LineCounter();
			located = { doc: parseDocument(yaml.value, { lineCounter: lines }), lines };
		}
		const at = (node: YamlNode | null | undefined) => {
			if (!node?.range) return null;
			const p = located!.lines.linePos(node.range[0]);
			return { line: first + p.line - 1, column: p.col };
		};
		let best: FrontmatterAt = { line: first, column: 1 };
		let current: unknown = located.doc.contents;
		for (const key of path) {
			if (isMap(current)) {
				const pair = current.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
				if (!pair) break;
				best = at(pair.key as YamlNode) ?? best;
				current = pair.value;
			} else if (isSeq(current) && typeof key === 'number') {
				const item = current.items[key] as YamlNode | undefined;
				if (!item) break;
				best = at(item) ?? best;
				current = item;
			} else break;
		}
		return best;
	};
}
