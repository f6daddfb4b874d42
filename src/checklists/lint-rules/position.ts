import type { Nodes } from 'mdast';
import type { At } from './rule.ts';

/**
 * Where `match` (at `offset` in a text node's value) is in the source: the line from the value,
 * the column from the source line (escapes and entities make value and source differ).
 */
export function positionIn(node: Nodes, offset: number, match: string, lines: readonly string[]): At {
	const start = node.position?.start ?? { line: 1, column: 1 };
	const before = ('value' in node ? String(node.value) : '').slice(0, offset).split('\n');
	const line = start.line + before.length - 1;
	const guess = before.length === 1 ? start.column + offset : before.at(-1)!.length + 1;
	const text = lines[line - 1] ?? '';
	const found = text.indexOf(match, before.length === 1 ? Math.max(0, start.column - 1) : 0);
	return { line, column: found >= 0 ? found + 1 : guess };
}
