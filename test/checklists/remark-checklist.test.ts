import { describe, expect, it } from 'vitest';
import { compile } from '@mdx-js/mdx';
import type { ListItem, Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import remarkSmartypants from 'remark-smartypants';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { extractChecklist } from '../../src/checklists/extract.ts';
import remarkChecklist, { checklistWidgets, matchItems, missingImports } from '../../src/checklists/remark-checklist.ts';

const parse = (src: string) => unified().use(remarkParse).use(remarkGfm).use(remarkMdx).parse(src);
const components = { Check: '/src/components/Check.astro', Field: '/src/components/Field.astro' };
const live = { ...components, ChecklistItem: '/src/components/ChecklistItem.astro' };
const checklistPage = { astro: { frontmatter: { title: 'T', checklist: { id: 'pre-workshop', phase: 'T-2' } } } };

/** Compiles MDX as the site does (GFM, smart quotes, then our plugin) and returns the JS. */
async function compileMdx(value: string, data: Record<string, unknown> = checklistPage, plugin = live): Promise<string> {
	const file = new VFile({ value, path: 'page.mdx', data });
	return String(await compile(file, { remarkPlugins: [remarkGfm, remarkSmartypants, [remarkChecklist, plugin]], jsx: true }));
}

/** The item ids the plugin put on a page's `<li>`s, in order. */
async function renderedIds(value: string, data: Record<string, unknown> = checklistPage): Promise<string[]> {
	return [...(await compileMdx(value, data)).matchAll(/data-item-id="([^"]+)"/g)].map((m) => m[1]!);
}

const extractedIds = (value: string) => extractChecklist(value, 'page.mdx').items.map((i) => i.id);

describe('missingImports', () => {
	it('names the components a page uses and does not import', () => {
		const tree = parse('- [ ] key valid <Check id="litellm-key-expiry" />\n- [ ] count <Field name="n" type="number" />\n');
		expect(missingImports(tree, ['Check', 'Field'])).toEqual(['Check', 'Field']);
	});

	it('leaves out components the page imports itself or never uses', () => {
		const tree = parse('import Check from "./Mine.astro";\n\n- [ ] key valid <Check id="a" />\n- [ ] manual item\n');
		expect(missingImports(tree, ['Check', 'Field'])).toEqual([]);
	});

	it('does not mistake a component whose name starts the same for a use', () => {
		const tree = parse('<Checklist />\n\n<FieldSet />\n');
		expect(missingImports(tree, ['Check', 'Field'])).toEqual([]);
	});
});

describe('remarkChecklist in the MDX compiler', () => {
	it('makes <Check> and <Field> resolvable without an import', async () => {
		const out = String(
			await compile({ value: '- [ ] key <Check id="a" />\n- [ ] n <Field name="n" />\n', path: 'page.mdx' }, {
				remarkPlugins: [remarkGfm, [remarkChecklist, components]],
			}),
		);
		expect(out).toContain('import Check from "/src/components/Check.astro"');
		expect(out).toContain('import Field from "/src/components/Field.astro"');
	});

	it('adds no component to a page without checklist components', async () => {
		const out = String(await compile({ value: '# Title\n\n- [ ] manual\n', path: 'page.mdx' }, { remarkPlugins: [remarkGfm, [remarkChecklist, components]] }));
		expect(out).not.toContain('/src/components/');
	});

	it('leaves plain Markdown files without JSX', () => {
		const tree = parse('- [ ] x <Check id="a" />\n');
		const before = tree.children.length;
		remarkChecklist(live)(tree, new VFile({ path: 'notes.md', value: '- [ ] x <Check id="a" />\n', data: checklistPage }));
		expect(tree.children.length).toBe(before);
		expect(JSON.stringify(tree)).not.toContain('ChecklistItem');
	});
});

describe('widgets on a checklist page', () => {
	const page = ['## Access', '', '- [ ] Key valid <Check id="litellm-key-expiry" />', '- [ ] Provisioners scaled <Field name="provisioners" type="number" />', '- [x] Support staff notified', ''].join('\n');

	it('wraps each task item in <ChecklistItem> with its id, check and source tick, and imports it', async () => {
		const out = await compileMdx(page);
		expect(out).toContain('import ChecklistItem from "/src/components/ChecklistItem.astro"');
		expect(out).toMatch(/<ChecklistItem id="litellm-key-expiry" check="litellm-key-expiry">/);
		expect(out).toMatch(/<ChecklistItem id="provisioners-scaled-[0-9a-f]{6}">/);
		expect(out).toMatch(/<ChecklistItem id="support-staff-notified-[0-9a-f]{6}" checked>/);
	});

	it("drops GFM's disabled checkbox and marks the list and its items", async () => {
		const out = await compileMdx(page);
		expect(out).not.toContain('type="checkbox"');
		expect(out).not.toContain('contains-task-list');
		expect(out).toContain('className="hb-checklist"');
		expect(out).toContain('id="item-litellm-key-expiry"');
	});

	it('keeps the item text inline (no <p> inside the widget) and the notes after it', async () => {
		const out = await compileMdx('- [ ] Key valid <Check id="k" />\n\n  Red: see [runbook](/incidents/).\n\n- [ ] Next\n');
		expect(out).toMatch(/<ChecklistItem id="k" check="k">\{"Key valid "\}<Check id="k" \/><\/ChecklistItem>\{"\\n"\}<_components\.p>\{"Red: see "\}/);
	});

	it('makes the fields of the item live, and only those', async () => {
		const out = await compileMdx('- [ ] Count <Field name="n" type="number" />\n\n| a | b |\n| - | - |\n| x | <Field name="loose" /> |\n');
		expect(out).toContain('<Field name="n" type="number" live />');
		expect(out).toContain('<Field name="loose" />');
	});

	it('gives pages without `checklist:` ids but no widget (and so no widget script)', async () => {
		const out = await compileMdx(page, { astro: { frontmatter: { title: 'Runbook' } } });
		expect(out).not.toContain('ChecklistItem');
		expect(out).toContain('type="checkbox"');
		expect(out).toContain('data-item-id="litellm-key-expiry"');
	});

	it('nests items as the extractor does, plain bullets included', async () => {
		const src = '- [ ] Parent\n  - [ ] Child <Check id="c" />\n  - plain\n    - [ ] Grandchild under a plain bullet\n';
		expect(await renderedIds(src)).toEqual(extractedIds(src));
		expect(extractedIds(src)).toHaveLength(3);
	});
});

describe('item ids', () => {
	const base = [
		'## Access',
		'',
		'- [ ] "Quoted" items -- with dashes... and smart quotes',
		'- [ ] Key valid <Check id="litellm-key-expiry" />',
		'- [ ] Support staff notified',
		'- [ ] Support staff notified',
		'- [ ] Explicit {/* id: storage-01 */} id',
		'',
	].join('\n');

	it('are the ids extractChecklist gives, even after the site pipeline rewrote the text', async () => {
		expect(await renderedIds(base)).toEqual(extractedIds(base));
		expect(extractedIds(base)).toEqual([expect.stringMatching(/^quoted-items-with-dashes-and-smart-[0-9a-f]{6}$/), 'litellm-key-expiry', expect.stringMatching(/^support-staff-notified-[0-9a-f]{6}$/), expect.stringMatching(/-2$/), 'storage-01']);
	});

	it('stay put when other items, headings and prose change', async () => {
		const before = await renderedIds(base);
		const edited = ['# A new title', '', 'Some new prose first.', '', '## Access, renamed', '', '- [ ] A brand new first item', base.split('\n').slice(2).join('\n'), '- [ ] Appended item', ''].join('\n');
		const after = await renderedIds(edited);
		for (const id of before) expect(after).toContain(id);
	});

	it('change when the item itself changes', async () => {
		const before = await renderedIds(base);
		const after = await renderedIds(base.replace('"Quoted" items', '"Quoted" entries'));
		expect(after[0]).not.toBe(before[0]);
		expect(after.slice(1)).toEqual(before.slice(1));
	});

	it('fall back to the tree when there is no source to read', () => {
		const tree = parse('- [ ] Only a tree <Check id="t" />\n') as Root;
		const pairs = matchItems(tree, null, 'page.mdx');
		checklistWidgets(tree, pairs, { live: false });
		const ids: unknown[] = [];
		visit(tree, 'listItem', (li: ListItem) => void ids.push(li.data?.hProperties?.dataItemId));
		expect(ids).toEqual(['t']);
	});
});
