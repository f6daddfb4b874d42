import { createHash } from 'node:crypto';
import type { ListItem, Nodes, Paragraph, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { parsePage, type ParsedPage } from './parse.ts';

/** A value to record with a checklist item: `<Field name="…" type="…" label="…" unit="…" />`. */
export interface FieldSpec {
	name: string;
	type: string;
	label: string | null;
	unit: string | null;
	line: number;
	column: number;
}

/** One checklist item (a GFM task item) with everything a tool needs about it. */
export interface ChecklistItem {
	file: string;
	line: number;
	column: number;
	/** Headings above the item, outermost first. */
	headingPath: string[];
	/** The item's own text (first paragraph), JSX removed, whitespace folded. */
	text: string;
	/** Stable id: explicit `{/* id: … *\/}` (`<!-- id: … -->` in .md), else the bound check id, else text slug + hash (with the heading path when the text repeats under another heading). */
	id: string;
	checkId: string | null;
	fields: FieldSpec[];
	/** 0 for a top-level item, 1 for an item nested in another item, … */
	depth: number;
	parentId: string | null;
	checked: boolean;
}

/** A page's checklist: its items in document order, plus fields recorded outside task items. */
export interface Checklist {
	file: string;
	title: string | null;
	/** `checklist.id` from frontmatter, when the page is a runnable checklist. */
	id: string | null;
	phase: string | null;
	/** Short hash of the page source: which version of the page a run or result was made with. */
	revision: string;
	frontmatter: Record<string, unknown>;
	items: ChecklistItem[];
	/** `<Field>`s outside any task item (e.g. in a table). */
	looseFields: FieldSpec[];
	/**
	 * Items whose id was already taken on the page and got a `-2`, `-3`… suffix: their ids depend
	 * on the order of the page (the lint reports them as duplicate ids).
	 */
	collisions: IdCollision[];
}

/** An item whose natural id another item on the page already had. */
export interface IdCollision {
	/** The id both items would have had. */
	base: string;
	/** The id the later item got instead. */
	id: string;
	line: number;
	column: number;
	/** Where the first item with that id is. */
	firstLine: number;
	/** Why the id is what it is: an explicit `{/* id: … *\/}`, a bound check, or the item's text. */
	source: 'explicit' | 'check' | 'text';
}

type JsxNode = { type: 'mdxJsxTextElement' | 'mdxJsxFlowElement'; name: string | null; attributes: Array<{ type: string; name?: string; value?: unknown }>; position?: Nodes['position'] };

function isJsx(node: { type: string }): node is JsxNode {
	return node.type === 'mdxJsxTextElement' || node.type === 'mdxJsxFlowElement';
}

function attr(node: JsxNode, name: string): string | null {
	const a = node.attributes.find((x) => x.type === 'mdxJsxAttribute' && x.name === name);
	return typeof a?.value === 'string' ? a.value : null;
}

function fieldOf(node: JsxNode): FieldSpec {
	return {
		name: attr(node, 'name') ?? '',
		type: attr(node, 'type') ?? 'text',
		label: attr(node, 'label'),
		unit: attr(node, 'unit'),
		line: node.position?.start.line ?? 0,
		column: node.position?.start.column ?? 0,
	};
}

const commentOnly = /^\s*\/\*[\s\S]*\*\/\s*$/;
const htmlComment = /<!--[\s\S]*?-->/g;

/**
 * Text of a node without JSX elements and comments (`{/* … *\/}` in MDX, `<!-- … -->` in
 * Markdown: neither is shown). Other MDX expressions keep their source in braces (`{count}`), so
 * an item that shows a computed value still reads as written.
 */
export function plainText(node: Nodes, inline?: InlineText): string {
	if (isJsx(node)) return (inline && node.type === 'mdxJsxTextElement' && node.name ? inline(node.name, attributesOf(node)) : null) ?? '';
	if (node.type === 'mdxTextExpression' || node.type === 'mdxFlowExpression') return commentOnly.test(node.value) ? '' : `{${node.value}}`;
	if (node.type === 'html') return node.value.replace(htmlComment, '');
	if ('children' in node) return (node.children as Nodes[]).map((c) => plainText(c, inline)).join('');
	return toString(node);
}

/**
 * The text an inline component shows where the page states a value (`<Threshold check=… />` →
 * "60%"), or null to leave it out. Given by whoever knows the config (the site, the server);
 * ids never depend on it, so a changed threshold keeps every item's id.
 */
export type InlineText = (name: string, attributes: Record<string, string>) => string | null;

function attributesOf(node: JsxNode): Record<string, string> {
	return Object.fromEntries(node.attributes.flatMap((a) => (a.type === 'mdxJsxAttribute' && a.name ? [[a.name, typeof a.value === 'string' ? a.value : 'true']] : [])));
}

function slugify(text: string): string {
	return text
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[^\w\s-]/g, '')
		.trim()
		.split(/[\s_-]+/)
		.filter(Boolean)
		.slice(0, 6)
		.join('-')
		.slice(0, 48);
}

const shortHash = (s: string, n = 6) => createHash('sha256').update(s).digest('hex').slice(0, n);

const jsxCommentId = /^\s*\/\*\s*id:\s*([\w.-]+)\s*\*\/\s*$/;
const htmlCommentId = /^<!--\s*id:\s*([\w.-]+)\s*-->$/;

/**
 * The explicit id in the item's first paragraph: `{/* id: storage-01 *\/}` in MDX, or
 * `<!-- id: storage-01 -->` in Markdown (where a JSX comment would be shown as text).
 */
function explicitId(paragraph: Paragraph | undefined): string | null {
	for (const child of paragraph?.children ?? []) {
		const m = child.type === 'mdxTextExpression' ? jsxCommentId.exec(child.value) : child.type === 'html' ? htmlCommentId.exec(child.value.trim()) : null;
		if (m) return m[1]!;
	}
	return null;
}

/** How to write an explicit item id in a page of this kind. */
export const explicitIdSyntax = (file: string, id = '…') => (file.endsWith('.mdx') ? `{/* id: ${id} */}` : `<!-- id: ${id} -->`);

/** The items of a syntax tree, and the task-list node each one came from. */
export interface CollectedItems {
	items: ChecklistItem[];
	looseFields: FieldSpec[];
	collisions: IdCollision[];
	/** The `listItem` node of each item, by item id. */
	nodes: Map<string, ListItem>;
}

/** An item found by the walk, before ids are given (they depend on the whole page). */
interface Found {
	item: Omit<ChecklistItem, 'id' | 'parentId'>;
	node: ListItem;
	parent: number | null;
	explicit: string | null;
	/** The text as the page shows it (inline values filled in); `item.text` is what ids derive from. */
	shown: string;
}

/**
 * Collects the checklist items of an already parsed tree, in document order, nested items after
 * their parent, with their stable ids. This is the one id algorithm: `extractChecklist` and the
 * remark plugin both use it, so the page, the store and the CLI name items the same way.
 *
 * An id is the explicit one, else the bound check's, else the text's slug and hash. When the
 * same text is an item under more than one heading path (the same step per region), each of
 * those ids hashes the heading path too, so neither depends on the order of the page.
 *
 * @example
 * collectItems(parsePage('- [ ] Key valid <Check id="k" />\n', 'p.mdx').tree, 'p.mdx').items[0].id // → 'k'
 */
export function collectItems(tree: Root, file: string, inline?: InlineText): CollectedItems {
	const found: Found[] = [];
	const looseFields: FieldSpec[] = [];
	const headings: Array<{ depth: number; text: string }> = [];

	function collectJsx(node: Nodes, into: { checks: string[]; fields: FieldSpec[] }, stopAtLists: boolean) {
		if (stopAtLists && node.type === 'list') return;
		if (isJsx(node)) {
			if (node.name === 'Check') {
				const id = attr(node, 'id');
				if (id) into.checks.push(id);
			} else if (node.name === 'Field') into.fields.push(fieldOf(node));
		}
		if ('children' in node) for (const c of node.children as Nodes[]) collectJsx(c, into, stopAtLists);
	}

	/** Lists inside an item's children, also inside quotes and other containers there (`> - [ ] …`). */
	function visitNested(children: readonly Nodes[], depth: number, parent: number | null) {
		for (const child of children) {
			if (child.type === 'list') visitList(child.children, depth, parent);
			else if (child.type !== 'paragraph' && child.type !== 'table' && 'children' in child) visitNested(child.children as Nodes[], depth, parent);
		}
	}

	function visitItem(item: ListItem, depth: number, parent: number | null) {
		const paragraph = item.children.find((c): c is Paragraph => c.type === 'paragraph');
		const jsx = { checks: [] as string[], fields: [] as FieldSpec[] };
		// The item's own content: everything but nested lists (those are items of their own).
		for (const child of item.children) collectJsx(child, jsx, true);
		const text = (paragraph ? plainText(paragraph) : '').replace(/\s+/g, ' ').trim();
		const shown = inline && paragraph ? plainText(paragraph, inline).replace(/\s+/g, ' ').trim() : text;
		const at = { line: item.position?.start.line ?? 0, column: item.position?.start.column ?? 0 };
		const index = found.length;
		found.push({
			item: { file, ...at, headingPath: headings.map((h) => h.text), text, checkId: jsx.checks[0] ?? null, fields: jsx.fields, depth, checked: item.checked === true },
			node: item,
			parent,
			explicit: explicitId(paragraph),
			shown,
		});
		visitNested(item.children, depth + 1, index);
	}

	function visitList(children: ListItem[], depth: number, parent: number | null) {
		for (const item of children) {
			if (item.checked === null || item.checked === undefined) {
				// A plain bullet: its nested task items still count, one level down from the same parent.
				for (const child of item.children) if (child.type !== 'list') collectJsx(child, { checks: [], fields: looseFields }, true);
				visitNested(item.children, depth, parent);
			} else visitItem(item, depth, parent);
		}
	}

	function walk(nodes: Root['children']) {
		for (const node of nodes) {
			if (node.type === 'heading') {
				while (headings.length && headings.at(-1)!.depth >= node.depth) headings.pop();
				headings.push({ depth: node.depth, text: plainText(node).replace(/\s+/g, ' ').trim() });
			} else if (node.type === 'list') visitList(node.children, 0, null);
			else if ('children' in node && node.type !== 'paragraph' && node.type !== 'table') {
				// A container (blockquote, <Aside>, <Steps>…): the element itself may be a <Field>;
				// its content is walked like the page, so task items inside it count once.
				if (isJsx(node) && node.name === 'Field') looseFields.push(fieldOf(node));
				walk((node as { children: Root['children'] }).children);
			} else collectJsx(node as Nodes, { checks: [], fields: looseFields }, false);
		}
	}
	walk(tree.children);
	return assignIds(found, looseFields);
}

/**
 * The id an item with this text gets when nothing else names it (no explicit id, no check, the
 * text once on the page).
 *
 * @example
 * textItemId('Support staff notified') // → 'support-staff-notified-…'
 */
export const textItemId = (text: string) => `${slugify(text) || 'item'}-${shortHash(text)}`;

/** Gives every found item its id (see `collectItems`) and its parent's. */
function assignIds(found: readonly Found[], looseFields: FieldSpec[]): CollectedItems {
	const textBase = textItemId;
	// Heading paths each text-derived id occurs under.
	const pathsOf = new Map<string, Set<string>>();
	for (const f of found) {
		if (f.explicit || f.item.checkId) continue;
		const base = textBase(f.item.text);
		pathsOf.set(base, (pathsOf.get(base) ?? new Set()).add(f.item.headingPath.join('\n')));
	}
	const used = new Map<string, { count: number; line: number }>();
	const collisions: IdCollision[] = [];
	const items: ChecklistItem[] = [];
	const nodes = new Map<string, ListItem>();
	for (const f of found) {
		const source: IdCollision['source'] = f.explicit ? 'explicit' : f.item.checkId ? 'check' : 'text';
		let base = f.explicit ?? f.item.checkId ?? textBase(f.item.text);
		if (source === 'text' && pathsOf.get(base)!.size > 1) base = `${slugify(f.item.text) || 'item'}-${shortHash(`${f.item.headingPath.join('\n')}\n\n${f.item.text}`)}`;
		const seen = used.get(base);
		let id = base;
		if (!seen) used.set(base, { count: 1, line: f.item.line });
		else {
			seen.count += 1;
			id = `${base}-${seen.count}`;
			collisions.push({ base, id, line: f.item.line, column: f.item.column, firstLine: seen.line, source });
		}
		nodes.set(id, f.node);
		items.push({ ...f.item, text: f.shown, id, parentId: f.parent === null ? null : items[f.parent]!.id });
	}
	// Re-order the keys as ChecklistItem declares them (JSON output reads in that order).
	return {
		items: items.map(({ file, line, column, headingPath, text, id, checkId, fields, depth, parentId, checked }) => ({ file, line, column, headingPath, text, id, checkId, fields, depth, parentId, checked })),
		looseFields,
		collisions,
		nodes,
	};
}

/**
 * Extracts every checklist item of a page in document order, nested items after their parent.
 * Ids are stable across edits that do not touch the item itself.
 *
 * @example
 * extractChecklist('## Access\n- [ ] Key valid <Check id="litellm-key-expiry" />\n', 'p.mdx').items[0]
 * // → { headingPath: ['Access'], text: 'Key valid', id: 'litellm-key-expiry', checkId: 'litellm-key-expiry', … }
 */
export function extractChecklist(source: string, file: string, inline?: InlineText): Checklist {
	return extractFromParsed(parsePage(source, file), source, inline);
}

/**
 * `extractChecklist` over a page already parsed with `parsePage` (the lint parses each page once
 * and reads both the tree and the items). `source` is the page text the revision is hashed from.
 */
export function extractFromParsed(page: ParsedPage, source: string, inline?: InlineText): Checklist {
	const { tree, frontmatter, file } = page;
	const checklistMeta = (frontmatter.checklist ?? null) as { id?: unknown; phase?: unknown } | null;
	const { items, looseFields, collisions } = collectItems(tree, file, inline);
	return {
		file,
		title: typeof frontmatter.title === 'string' ? frontmatter.title : null,
		id: typeof checklistMeta?.id === 'string' ? checklistMeta.id : null,
		phase: typeof checklistMeta?.phase === 'string' ? checklistMeta.phase : null,
		revision: shortHash(source, 12),
		frontmatter,
		items,
		looseFields,
		collisions,
	};
}

/** The check ids a checklist binds, in page order, each once. */
export function boundChecks(checklist: Checklist): string[] {
	return [...new Set(checklist.items.map((i) => i.checkId).filter((id): id is string => id !== null))];
}
