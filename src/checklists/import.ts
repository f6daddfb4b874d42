import { dirname, resolve } from 'node:path';
import type { Heading, Link, List, Nodes, Parent, Root, RootContent } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkStringify from 'remark-stringify';
import { unified } from 'unified';
import { stringify as yamlStringify } from 'yaml';
import { extractFromParsed, plainText, type ChecklistItem } from './extract.ts';
import { suggestBindings, type BindingSuggestion } from './import-bindings.ts';
import { blanksToFields, type ImportedField } from './import-blanks.ts';
import { findIncidents, mapSections, type Incident, type SectionName } from './import-runbook.ts';
import { inlineCommand, inlineCommandMax } from './lint-rules/command-outside-code.ts';
import { runbookSections } from './lint-rules/runbook-sections.ts';
import { parsePage } from './parse.ts';

export type ImportKind = 'checklist' | 'runbook';

/** What the import needs besides the file: the kind (guessed when absent), where pages go, the catalogue. */
export interface ImportOptions {
	kind?: ImportKind;
	/** Site path of the output directory ('/imported/'), or null when it is not in the docs (links then stay relative). */
	siteBase: string | null;
	/** Site path (or relative path) of every file imported in the same run, by absolute source path. */
	linkTargets: ReadonlyMap<string, string>;
	/** The check catalogue, for suggested bindings (never bound). */
	checks: ReadonlyArray<{ id: string; title: string }>;
	/** The page's (or the split runbook's directory's) name, default `importSlug`'s. */
	slug?: string;
}

/** One page written by the import. */
export interface ImportedPage {
	/** Path relative to the output directory, e.g. `incident-runbook/workspace-restarts.mdx`. */
	file: string;
	kind: ImportKind | 'page';
	title: string;
	source: string;
	/** The source lines its blocks came from, so its items can be matched with the source's. */
	sourceLines: Array<[number, number]>;
	items: ChecklistItem[];
	/** Runbook sections the source did not have (written as a short note saying so). */
	missing: SectionName[];
}

/** What happened to one file: the pages, and everything a person should look at. */
export interface ImportReport {
	file: string;
	kind: ImportKind;
	pages: ImportedPage[];
	fields: ImportedField[];
	commands: Array<{ line: number; command: string; moved: boolean; why?: string }>;
	links: Array<{ line: number; url: string; now: string }>;
	suggestions: BindingSuggestion[];
	/** Guesses the import made (phase, severity) and content it could not carry over. */
	notes: string[];
}

/** The import lost or changed an item: a bug, reported with the item, never written silently. */
export class ImportError extends Error {}

const serializer = unified()
	.use(remarkStringify, { bullet: '-', listItemIndent: 'one', fences: true, rule: '-', emphasis: '_', strong: '*' })
	.use(remarkFrontmatter)
	.use(remarkGfm)
	.use(remarkMdx)
	.freeze();

const kebab = (s: string, words = 8) =>
	s
		.toLowerCase()
		.normalize('NFKD')
		.replace(/[^a-z0-9\s-]/g, ' ')
		.split(/[\s-]+/)
		.filter(Boolean)
		.slice(0, words)
		.join('-')
		.slice(0, 60)
		.replace(/-+$/, '');

const text = (node: Nodes) => plainText(node).replace(/\s+/g, ' ').trim();

/**
 * An item's text as it reads once its blanks are fields: the blank itself is gone (it is the
 * `<Field>`), the words around it stay.
 */
export const comparableText = (s: string) =>
	s
		.replace(/[*_]{3,}/g, (m) => (m.includes('_') ? ' ' : m))
		.replace(/\s+/g, ' ')
		.trim();

/** The workshop phase a checklist's text names ("2 days before" → T-2), and whether it was stated. */
function guessPhase(source: string): { phase: string; stated: boolean } {
	const days = /\b(\d+)\s+days?\s+before\b/i.exec(source);
	if (days && ['7', '3', '2', '1'].includes(days[1]!)) return { phase: `T-${days[1]}`, stated: true };
	if (/\bweek before\b/i.test(source)) return { phase: 'T-7', stated: true };
	if (/\bday before\b/i.test(source)) return { phase: 'T-1', stated: true };
	if (/\b(?:workshop day|day of the workshop|during the workshop)\b/i.test(source)) return { phase: 'day', stated: true };
	if (/\bafter the workshop\b/i.test(source)) return { phase: 'T+2', stated: true };
	return { phase: 'T-2', stated: false };
}

/** HTML in a Markdown page, which MDX would read as JSX: comments dropped (id comments kept as MDX comments), `<br>` a break, the rest text. */
function htmlToMdx(tree: Root, notes: string[]) {
	const walk = (parent: Parent) => {
		parent.children = parent.children.flatMap((child): Nodes[] => {
			if (child.type !== 'html') {
				if ('children' in child) walk(child as Parent);
				return [child];
			}
			const value = child.value.trim();
			const flow = parent.type === 'root' || parent.type === 'listItem' || parent.type === 'blockquote';
			const id = /^<!--\s*(id:\s*[\w.-]+)\s*-->$/.exec(value);
			if (id) return [{ type: flow ? 'mdxFlowExpression' : 'mdxTextExpression', value: `/* ${id[1]} */` } as Nodes];
			if (/^<!--[\s\S]*-->$/.test(value)) return [];
			if (/^<br\s*\/?>$/i.test(value)) return flow ? [] : [{ type: 'break' }];
			notes.push(`line ${child.position?.start.line}: HTML "${value.slice(0, 40)}" kept as text (MDX pages take no raw HTML)`);
			return flow ? [{ type: 'paragraph', children: [{ type: 'text', value }] }] : [{ type: 'text', value: child.value }];
		}) as typeof parent.children;
	};
	walk(tree);
}

/** Links to other imported files point at their pages; other relative links and images become their text. */
function rewriteLinks(tree: Root, file: string, options: ImportOptions, links: ImportReport['links']) {
	const walk = (parent: Parent) => {
		parent.children = parent.children.flatMap((child): Nodes[] => {
			if (child.type === 'link' || child.type === 'image') {
				const url = child.url;
				if (/^(?:[a-z][a-z0-9+.-]*:)/i.test(url)) {
					if (child.type === 'link') walk(child);
					return [child];
				}
				const line = child.position?.start.line ?? 0;
				const target = url.startsWith('#') ? undefined : options.linkTargets.get(resolve(dirname(file), decodeURIComponent(url.split('#')[0]!)));
				if (target && child.type === 'link') {
					links.push({ line, url, now: target });
					walk(child);
					return [{ ...child, url: target } as Link];
				}
				links.push({ line, url, now: 'text (the target is not imported)' });
				if (child.type === 'image') return child.alt ? [{ type: 'text', value: child.alt }] : [];
				walk(child);
				return child.children as Nodes[];
			}
			if ('children' in child) walk(child as Parent);
			return [child];
		}) as typeof parent.children;
	};
	walk(tree);
}

/** Long inline commands move into a ```sh block after their paragraph, where a block can go (not in an item's own text, a table or a heading). */
function commandsToBlocks(root: Root, commands: ImportReport['commands']) {
	const isCommand = (value: string) => inlineCommand.test(value) && value.length > inlineCommandMax;
	const walk = (parent: Parent, inTaskItem: boolean) => {
		const out: Nodes[] = [];
		parent.children.forEach((child, index) => {
			out.push(child);
			if (child.type === 'paragraph') {
				const found = child.children.filter((c) => c.type === 'inlineCode' && isCommand(c.value));
				if (!found.length) return;
				if (inTaskItem && index === 0) {
					for (const c of found) commands.push({ line: c.position?.start.line ?? 0, command: (c as { value: string }).value, moved: false, why: "it is the checklist item's own text" });
					return;
				}
				child.children = child.children.filter((c) => !found.includes(c));
				const last = child.children.at(-1);
				if (last?.type === 'text') last.value = last.value.replace(/\s+$/, '');
				if (!child.children.some((c) => c.type !== 'text' || c.value.trim() !== '')) out.pop();
				for (const c of found) {
					const value = (c as { value: string }).value;
					commands.push({ line: c.position?.start.line ?? 0, command: value, moved: true });
					out.push({ type: 'code', lang: 'sh', meta: null, value });
				}
			} else if (child.type === 'list') (child as List).children.forEach((item) => walk(item, typeof item.checked === 'boolean'));
			else if (child.type === 'blockquote' || child.type === 'listItem') walk(child, false);
			else if (child.type === 'table') {
				for (const row of child.children) for (const cell of row.children) for (const c of cell.children) if (c.type === 'inlineCode' && isCommand(c.value)) commands.push({ line: c.position?.start.line ?? 0, command: c.value, moved: false, why: 'a table cell cannot hold a code block' });
			}
		});
		parent.children = out as typeof parent.children;
	};
	walk(root, false);
}

/** Source line ranges of blocks. */
const linesOf = (blocks: readonly RootContent[]): Array<[number, number]> => blocks.filter((b) => b.position).map((b) => [b.position!.start.line, b.position!.end.line]);

/** Serializes a page: YAML frontmatter, then the blocks, as MDX. */
function serialize(frontmatter: Record<string, unknown>, blocks: RootContent[]): string {
	const root: Root = { type: 'root', children: [{ type: 'yaml', value: yamlStringify(frontmatter, { lineWidth: 0 }).trimEnd() }, ...blocks] };
	return serializer.stringify(root);
}

/** A paragraph saying a runbook section was not in the source. */
const missingNote = (name: string, file: string): RootContent => ({
	type: 'paragraph',
	children: [{ type: 'text', value: `${file} has no ${name.toLowerCase()} steps for this incident. Write them here before the runbook is relied on.` }],
});

/** A page's title (frontmatter, else its H1, else its file name) and where its H1 is. */
function titleOf(tree: Root, frontmatter: Record<string, unknown>, name: string): { title: string; h1Index: number } {
	const h1Index = tree.children.findIndex((c) => c.type === 'heading' && c.depth === 1);
	const title = typeof frontmatter.title === 'string' ? frontmatter.title : h1Index >= 0 ? text(tree.children[h1Index]!) : name.replace(/\.mdx?$/, '').replace(/[_-]+/g, ' ');
	return { title, h1Index };
}

const slugFor = (title: string, name: string) => kebab(title) || kebab(name.replace(/\.mdx?$/, '')) || 'imported';

/**
 * The name of the page (or directory of pages) a file is imported as: its title in kebab-case.
 *
 * @example
 * importSlug('# Pre-Workshop Validation Checklist\n', 'PRE_WORKSHOP_CHECKLIST.md') // → 'pre-workshop-validation-checklist'
 */
export function importSlug(source: string, file: string): string {
	const parsed = parsePage(source, file);
	const name = file.split(/[\\/]/).pop()!;
	return slugFor(titleOf(parsed.tree, parsed.frontmatter, name).title, name);
}

/**
 * Turns a plain Markdown checklist or runbook into handbook pages (MDX): frontmatter (title,
 * description, `checklist` or `runbook`), every task item kept with its text, order, nesting
 * and state, blanks made `<Field>`s, long inline commands moved into ```sh blocks where a
 * block can go, relative links pointed at imported pages or made text, and a runbook with
 * several incidents split into one runbook page per incident, its sections mapped to the
 * handbook's. The pages are checked against the source before they are returned: an item lost
 * or changed is an ImportError, never a page written wrong.
 *
 * @example
 * importMarkdown(readFileSync('INCIDENT_RUNBOOK.md', 'utf8'), '/abs/INCIDENT_RUNBOOK.md', options).pages.map((p) => p.file)
 * // → ['workshop-incident-runbook/index.mdx', 'workshop-incident-runbook/workspace-restarts-self-healing-loop.mdx', …]
 */
export function importMarkdown(source: string, file: string, options: ImportOptions): ImportReport {
	const name = file.split(/[\\/]/).pop()!;
	const parsed = parsePage(source, file);
	const sourceItems = extractFromParsed(parsed, source).items;
	const tree = parsed.tree;
	const report: ImportReport = { file, kind: 'checklist', pages: [], fields: [], commands: [], links: [], suggestions: [], notes: [] };

	// Title and description from the page itself.
	const { title, h1Index } = titleOf(tree, parsed.frontmatter, name);
	const firstParagraph = tree.children.find((c) => c.type === 'paragraph' && text(c).length > 20 && !/[*_]{3,}/.test(text(c)));
	const describe = (blocks: readonly RootContent[], fallback: string) => {
		const p = blocks.find((c) => c.type === 'paragraph' && text(c).length > 20) ?? blocks.find((c) => c.type === 'list');
		const t = !p ? fallback : p.type === 'list' ? p.children.map((i) => text(i)).join('; ') : text(p);
		return t.length > 200 ? `${t.slice(0, 197).replace(/\s+\S*$/, '')}…` : t;
	};

	const incidents = findIncidents(tree);
	const kind: ImportKind = options.kind ?? (incidents.length ? 'runbook' : 'checklist');
	report.kind = kind;

	htmlToMdx(tree, report.notes);
	rewriteLinks(tree, file, options, report.links);
	report.fields = blanksToFields(tree);

	const body = tree.children.filter((c, i) => c.type !== 'yaml' && i !== h1Index);
	const slug = options.slug ?? slugFor(title, name);
	const pages: Array<Omit<ImportedPage, 'source' | 'items'> & { frontmatter: Record<string, unknown>; blocks: RootContent[] }> = [];

	if (kind === 'checklist') {
		const { phase, stated } = guessPhase(source);
		if (!stated) report.notes.push(`checklist.phase: the page names no phase; T-2 assumed, set it in the frontmatter`);
		else report.notes.push(`checklist.phase: ${phase}, from the page's own text`);
		const id = kebab(title, 6) || 'imported-checklist';
		pages.push({
			file: `${slug}.mdx`,
			kind: 'checklist',
			title,
			sourceLines: linesOf(body),
			missing: [],
			frontmatter: { title, description: describe(body, `Imported from ${name}.`), checklist: { id, phase } },
			blocks: body,
		});
	} else {
		const list: Incident[] = incidents.length ? incidents : [{ title, heading: h1Index >= 0 ? (tree.children[h1Index] as Heading) : null, start: h1Index + 1, end: tree.children.length }];
		const single = list.length === 1 && body.every((b) => { const i = tree.children.indexOf(b); return (i >= list[0]!.start && i < list[0]!.end) || b.type === 'thematicBreak'; });
		const ids = new Set<string>();
		const incidentFiles = list.map((incident) => (single ? `${slug}.mdx` : `${slug}/${kebab(incident.title) || 'incident'}.mdx`));
		list.forEach((incident, n) => {
			const blocks = tree.children.slice(incident.start, incident.end);
			const { intro, sections, moved } = mapSections(blocks, incident.heading?.depth ?? 1);
			if (moved) report.notes.push(`${incident.title}: the source's sections were in another order; they follow the handbook's order now`);
			const severity = /\bP([0-3])\b/.exec(blocks.map((b) => text(b)).join(' '))?.[1];
			if (!severity) report.notes.push(`${incident.title}: runbook.severity P2 assumed (the source names none)`);
			let id = `RB-${kebab(incident.title, 4).toUpperCase() || 'IMPORTED'}`;
			while (ids.has(id)) id = `${id}-${n + 1}`;
			ids.add(id);
			const present = new Map(sections.map((s) => [s.name, s.blocks]));
			const missing = runbookSections.map((s) => s.name as SectionName).filter((s) => !present.has(s));
			const out: RootContent[] = [...intro];
			for (const s of runbookSections) {
				out.push({ type: 'heading', depth: 2, children: [{ type: 'text', value: s.name }] });
				out.push(...(present.get(s.name as SectionName) ?? [missingNote(s.name, name)]));
			}
			const symptoms = present.get('Symptoms') ?? intro;
			pages.push({
				file: incidentFiles[n]!,
				kind: 'runbook',
				title: incident.title,
				sourceLines: linesOf(blocks),
				missing,
				frontmatter: { title: incident.title, description: describe(symptoms, `Runbook imported from ${name}.`), runbook: { id, severity: severity ? `P${severity}` : 'P2', checks: [] } },
				blocks: out,
			});
		});
		if (!single) {
			// Everything outside the incidents, with a list of the incident pages where they were.
			const inIncident = (i: number) => list.some((inc) => i >= inc.start - 1 && i < inc.end);
			const rest: RootContent[] = [];
			let listed = false;
			tree.children.forEach((node, i) => {
				if (node.type === 'yaml' || i === h1Index) return;
				if (!inIncident(i)) rest.push(node);
				else if (!listed) {
					listed = true;
					rest.push({
						type: 'list',
						ordered: false,
						spread: false,
						children: list.map((inc, n) => ({
							type: 'listItem',
							spread: false,
							children: [{ type: 'paragraph', children: [{ type: 'link', url: options.siteBase ? `${options.siteBase}${incidentFiles[n]!.replace(/\.mdx$/, '/')}` : `./${incidentFiles[n]!.split('/').pop()!.replace(/\.mdx$/, '/')}`, children: [{ type: 'text', value: inc.title }] }] }],
						})),
					});
				}
			});
			pages.unshift({ file: `${slug}/index.mdx`, kind: 'page', title, sourceLines: linesOf(rest), missing: [], frontmatter: { title, description: firstParagraph ? describe([firstParagraph], title) : `Imported from ${name}.` }, blocks: rest });
		}
	}

	for (const page of pages) {
		const root = { type: 'root', children: page.blocks } as Root;
		commandsToBlocks(root, report.commands);
		const out = serialize(page.frontmatter, root.children);
		const items = extractFromParsed(parsePage(out, page.file), out).items;
		report.pages.push({ file: page.file, kind: page.kind, title: page.title, source: out, sourceLines: page.sourceLines, items, missing: page.missing });
	}
	verifyItems(sourceItems, report.pages, file);
	report.suggestions = suggestBindings(
		report.pages.flatMap((p) => p.items),
		options.checks,
	);
	return report;
}

/**
 * The items of the pages against the source's, page by page (each page takes the source items
 * in its lines): the same text (blanks aside), order, nesting and checked state, every source
 * item on exactly one page.
 */
export function verifyItems(sourceItems: readonly ChecklistItem[], pages: readonly ImportedPage[], file: string) {
	const shape = (items: readonly ChecklistItem[]) =>
		items.map((i) => ({ text: comparableText(i.text), depth: i.depth, parent: i.parentId === null ? -1 : items.findIndex((p) => p.id === i.parentId), checked: i.checked }));
	let placed = 0;
	for (const page of pages) {
		const mine = sourceItems.filter((i) => page.sourceLines.some(([a, b]) => i.line >= a && i.line <= b));
		placed += mine.length;
		const want = shape(mine);
		const got = shape(page.items);
		for (let k = 0; k < Math.max(want.length, got.length); k++) {
			if (JSON.stringify(want[k]) !== JSON.stringify(got[k])) {
				throw new ImportError(`${file}: importing into ${page.file} changed item ${k + 1}: source ${JSON.stringify(want[k] ?? null)}, page ${JSON.stringify(got[k] ?? null)}`);
			}
		}
	}
	if (placed !== sourceItems.length) throw new ImportError(`${file}: ${sourceItems.length - placed} of ${sourceItems.length} items are on no imported page`);
}
