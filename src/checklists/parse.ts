import type { Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { parse as parseYaml } from 'yaml';

const mdxParser = unified().use(remarkParse).use(remarkFrontmatter).use(remarkGfm).use(remarkMdx).freeze();
const mdParser = unified().use(remarkParse).use(remarkFrontmatter).use(remarkGfm).freeze();

/** A parsed page: its syntax tree (positions kept) and its frontmatter. */
export interface ParsedPage {
	file: string;
	tree: Root;
	frontmatter: Record<string, unknown>;
}

/** A page that cannot be parsed, with file:line:column. */
export class ParseError extends Error {
	readonly file: string;
	readonly line: number;
	readonly column: number;
	readonly reason: string;
	constructor(file: string, line: number | undefined, column: number | undefined, reason: string) {
		super(`${file}:${line ?? 1}:${column ?? 1}: ${reason}`);
		this.name = 'ParseError';
		this.file = file;
		this.line = line ?? 1;
		this.column = column ?? 1;
		this.reason = reason;
	}
}

/**
 * Parses MDX (`.mdx`) or GFM Markdown (anything else) with the same remark parsers the site
 * uses, CRLF included. Frontmatter is YAML between leading `---` lines.
 *
 * @example
 * parsePage('- [ ] Support staff notified\n', 'notes.md').tree.children[0].type // → 'list'
 */
export function parsePage(source: string, file: string): ParsedPage {
	const text = source.replace(/\r\n?/g, '\n');
	let tree: Root;
	try {
		tree = (file.endsWith('.mdx') ? mdxParser : mdParser).parse(text) as Root;
	} catch (err) {
		const e = err as { line?: number; column?: number; reason?: string; message: string };
		throw new ParseError(file, e.line, e.column, e.reason ?? e.message);
	}
	let frontmatter: Record<string, unknown> = {};
	const first = tree.children[0];
	if (first?.type === 'yaml') {
		try {
			frontmatter = (parseYaml(first.value) as Record<string, unknown>) ?? {};
		} catch (err) {
			const e = err as { linePos?: Array<{ line: number; col: number }>; message: string };
			throw new ParseError(file, (e.linePos?.[0]?.line ?? 0) + 1, e.linePos?.[0]?.col, `frontmatter: ${e.message.split('\n')[0]}`);
		}
	}
	return { file, tree, frontmatter };
}
