import type { List, ListItem, Nodes, Root, RootContent } from 'mdast';
import type { VFile } from 'vfile';
import { parse as parseJs } from 'acorn';
import { visit } from 'unist-util-visit';
import { collectItems, type ChecklistItem } from './extract.ts';
import { parseFrontmatter } from './frontmatter.ts';
import { parsePage } from './parse.ts';

/** Components an author may use in any handbook MDX page without importing them. */
export interface ChecklistComponents {
	/** Absolute path (or root-relative specifier) of the `<Check>` component. */
	Check: string;
	/** Absolute path (or root-relative specifier) of the `<Field>` component. */
	Field: string;
	/** The live item widget the plugin wraps task items in on checklist pages. */
	ChecklistItem?: string;
}

type JsxAttribute = { type: 'mdxJsxAttribute'; name: string; value: string | null };
type JsxNode = { type: 'mdxJsxTextElement' | 'mdxJsxFlowElement'; name: string | null; attributes: JsxAttribute[]; children: Nodes[] };

/**
 * Names of the checklist components a tree uses as JSX, minus those it already imports.
 *
 * @example
 * missingImports(tree, ['Check', 'Field']) // → ['Check'] for `- [ ] x <Check id="a" />`
 */
export function missingImports(tree: Root, names: readonly string[]): string[] {
	const used = new Set<string>();
	const imported = new Set<string>();
	visit(tree, (node) => {
		if (node.type === 'mdxJsxTextElement' || node.type === 'mdxJsxFlowElement') {
			if (node.name && names.includes(node.name)) used.add(node.name);
		} else if (node.type === 'mdxjsEsm') {
			for (const name of names) if (new RegExp(`\\bimport\\b[^;]*\\b${name}\\b`).test(node.value)) imported.add(name);
		}
	});
	return names.filter((n) => used.has(n) && !imported.has(n));
}

/** An `mdxjsEsm` node importing `name` from `source`; @mdx-js/mdx drops ESM nodes without estree. */
function importNode(name: string, source: string): RootContent {
	const value = `import ${name} from ${JSON.stringify(source)};`;
	const estree = parseJs(value, { ecmaVersion: 'latest', sourceType: 'module' });
	return { type: 'mdxjsEsm', value, data: { estree } } as RootContent;
}

/**
 * Pairs every task item of a page's tree with its checklist item, ids included. The ids come
 * from `collectItems` over the page *source* (the parser `extractChecklist` uses), matched by
 * position: the tree a site pipeline hands over may already be rewritten (smart quotes, …), and
 * an id must not depend on that. Without a source, or when positions do not match, the tree
 * itself is read, with the same function.
 *
 * @example
 * matchItems(tree, '- [ ] Support staff notified\n', 'p.mdx').get(listItemNode)?.id
 * // → 'support-staff-notified-4f0a1c'
 */
export function matchItems(tree: Root, source: string | null, file: string): Map<ListItem, ChecklistItem> {
	const inTree = collectItems(tree, file);
	const pairs = new Map<ListItem, ChecklistItem>();
	// A page without task items has nothing to name: skip parsing its source a second time.
	if (source !== null && inTree.items.length > 0) {
		const fromSource = collectItems(parsePage(source, file).tree, file).items;
		const byPosition = new Map(fromSource.map((i) => [`${i.line}:${i.column}`, i]));
		for (const item of inTree.items) {
			const match = byPosition.get(`${item.line}:${item.column}`);
			if (match) pairs.set(inTree.nodes.get(item.id)!, match);
		}
		if (pairs.size === inTree.items.length && fromSource.length === inTree.items.length) return pairs;
		pairs.clear();
	}
	for (const item of inTree.items) pairs.set(inTree.nodes.get(item.id)!, item);
	return pairs;
}

const attribute = (name: string, value: string | null): JsxAttribute => ({ type: 'mdxJsxAttribute', name, value });

function isJsx(node: Nodes): node is Nodes & JsxNode {
	return node.type === 'mdxJsxTextElement' || node.type === 'mdxJsxFlowElement';
}

/** Marks every `<Field>` in an item's own content (not its nested items) as live. */
function liveFields(nodes: Nodes[]) {
	for (const node of nodes) {
		if (node.type === 'list') continue;
		if (isJsx(node) && node.name === 'Field' && !node.attributes.some((a) => 'name' in a && a.name === 'live')) node.attributes.push(attribute('live', null));
		if ('children' in node) liveFields(node.children as Nodes[]);
	}
}

/**
 * Turns the task items of a tree into checklist widgets, in place. Every item's `<li>` gets its
 * stable id (`data-item-id`, anchor `#item-<id>`). On a runnable checklist page (`live`), the
 * item's first paragraph becomes `<ChecklistItem id check checked>` holding the same inline
 * content (no `<p>` inside: a tight item's paragraph is passed as children), GFM's disabled
 * checkbox is dropped in favour of the widget's own, and `<Field>`s get `live` so they render
 * as inputs. Everything else in the item (notes, code, nested items) stays as it was.
 *
 * @example
 * checklistWidgets(tree, pairs, { live: true }) // `- [ ] x <Check id="a" />` → `<li data-item-id="a"><ChecklistItem id="a" check="a">x <Check id="a" /></ChecklistItem></li>`
 */
export function checklistWidgets(tree: Root, pairs: Map<ListItem, ChecklistItem>, options: { live: boolean }): void {
	visit(tree, 'list', (list: List) => {
		if (!options.live || !list.children.some((li) => pairs.has(li))) return;
		list.data = { ...list.data, hProperties: { ...(list.data?.hProperties ?? {}), className: ['hb-checklist'] } };
	});
	for (const [node, item] of pairs) {
		const hProperties = { id: `item-${item.id}`, dataItemId: item.id };
		if (!options.live) {
			node.data = { ...node.data, hProperties: { ...(node.data?.hProperties ?? {}), ...hProperties } };
			continue;
		}
		node.checked = null;
		node.data = { ...node.data, hProperties: { ...(node.data?.hProperties ?? {}), ...hProperties, className: ['hb-task'] } };
		const first = node.children[0];
		const inline = first?.type === 'paragraph' ? first.children : [];
		liveFields(inline as Nodes[]);
		for (const child of node.children.slice(first?.type === 'paragraph' ? 1 : 0)) liveFields([child as Nodes]);
		const attributes = [attribute('id', item.id)];
		if (item.checkId) attributes.push(attribute('check', item.checkId));
		if (item.checked) attributes.push(attribute('checked', null));
		const widget = { type: 'mdxJsxFlowElement', name: 'ChecklistItem', attributes, children: inline } as unknown as ListItem['children'][number];
		if (first?.type === 'paragraph') node.children[0] = widget;
		else node.children.unshift(widget);
	}
}

/**
 * Whether a page's frontmatter makes it runnable: a checklist (`checklist: { id: … }`) or an
 * incident runbook (`runbook: { id: … }`), whose diagnosis checks run live during an incident or
 * a rehearsal. Parsed with the content schemas: bad frontmatter throws, naming the file and field.
 *
 * @example
 * isChecklistPage({ checklist: { id: 'pre-workshop', phase: 'T-2' } }, 'pre-workshop.mdx') // → true
 */
export function isChecklistPage(frontmatter: unknown, file: string): boolean {
	const meta = parseFrontmatter(frontmatter, file);
	return meta.checklist !== undefined || meta.runbook !== undefined;
}

/**
 * Remark plugin: gives every task item of a page its stable id and, on runnable checklist pages
 * (frontmatter `checklist.id`), turns it into the live widget; auto-imports `<Check>`, `<Field>`
 * and the widget, so authors write `- [ ] LiteLLM key valid <Check id="litellm-key-expiry" />`
 * and nothing else. Plain `.md` files get ids but no JSX.
 */
export default function remarkChecklist(components: ChecklistComponents) {
	return (tree: Root, file: VFile) => {
		const path = file.path ?? 'page.mdx';
		const mdx = path.endsWith('.mdx');
		const frontmatter = (file.data as { astro?: { frontmatter?: unknown } }).astro?.frontmatter;
		const source = file.value === undefined || file.value === null ? null : String(file.value);
		const live = mdx && components.ChecklistItem !== undefined && isChecklistPage(frontmatter ?? (source ? parsePage(source, path).frontmatter : null), path);
		checklistWidgets(tree, matchItems(tree, source, path), { live });
		if (!mdx) return;
		const available = Object.entries(components).filter((e): e is [string, string] => typeof e[1] === 'string');
		const missing = missingImports(tree, available.map(([name]) => name));
		tree.children.unshift(...missing.map((name) => importNode(name, Object.fromEntries(available)[name]!)));
	};
}

/**
 * The auto-import alone, without ids or widgets: `<Check>` and `<Field>` resolve to whatever
 * components are given. The build benchmark builds the same pages this way, with our plugin's
 * work and components switched off, to measure what they cost.
 */
export function remarkImportsOnly(components: Record<string, string>) {
	return (tree: Root, file: VFile) => {
		if (file.path && !file.path.endsWith('.mdx')) return;
		tree.children.unshift(...missingImports(tree, Object.keys(components)).map((name) => importNode(name, components[name]!)));
	};
}
