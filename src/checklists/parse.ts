import type { Root } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified, type Processor } from 'unified';
import { parse as parseYaml } from 'yaml';

/** A micromark construct, as far as this module looks at one. */
type Construct = { name?: string };
type ConstructRecord = Record<string, Construct | Construct[] | undefined>;

/**
 * After remark-gfm: the same GFM syntax without the e-mail autolink literal construct (the
 * `www.` and `https://` ones stay). That construct is tried at the start of every word of every
 * paragraph (any ASCII letter or digit may begin an address), which makes GFM parsing about twice
 * as slow; without it, runs of text are read in one go. Only used on pages where no address can
 * start (see `emailPossible`), where the trees are identical.
 */
function withoutEmailAutolinks(this: Processor): void {
	const data = this.data() as { micromarkExtensions?: Array<{ text?: ConstructRecord }> };
	const extensions = data.micromarkExtensions ?? [];
	const gfm = extensions.at(-1);
	const text: ConstructRecord = {};
	let dropped = 0;
	for (const [code, entry] of Object.entries(gfm?.text ?? {})) {
		const list = entry === undefined ? [] : Array.isArray(entry) ? entry : [entry];
		const kept = list.filter((c) => c.name !== 'emailAutolink');
		dropped += list.length - kept.length;
		if (kept.length) text[code] = kept;
	}
	// A remark-gfm whose constructs look different: keep its syntax whole (always correct, only slower).
	if (!gfm || dropped === 0) return;
	data.micromarkExtensions = [...extensions.slice(0, -1), { ...gfm, text }];
}

/** The page parsers: GFM Markdown and MDX, each whole and without the e-mail autolink construct. */
export const pageParsers = {
	md: { whole: unified().use(remarkParse).use(remarkFrontmatter).use(remarkGfm).freeze(), noEmail: unified().use(remarkParse).use(remarkFrontmatter).use(remarkGfm).use(withoutEmailAutolinks).freeze() },
	mdx: { whole: unified().use(remarkParse).use(remarkFrontmatter).use(remarkGfm).use(remarkMdx).freeze(), noEmail: unified().use(remarkParse).use(remarkFrontmatter).use(remarkGfm).use(withoutEmailAutolinks).use(remarkMdx).freeze() },
};

/**
 * Whether an e-mail autolink literal can start anywhere in `text`: micromark's construct needs a
 * letter, digit, `+`, `-`, `.` or `_` right before an `@` and a letter, digit, `-`, `_` or `.`
 * right after it, adjacent in the source (a construct in between, a character reference, or a
 * container's line prefix leaves another character there). Without such a pair it never matches,
 * and the parse is the same without it. (The tree transform that links addresses in decoded text
 * afterwards is part of both parsers.)
 */
export const emailPossible = (text: string): boolean => /[\w+.-]@[\w.-]/.test(text);

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
		const parsers = file.endsWith('.mdx') ? pageParsers.mdx : pageParsers.md;
		tree = (emailPossible(text) ? parsers.whole : parsers.noEmail).parse(text) as Root;
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
