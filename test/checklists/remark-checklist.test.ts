import { describe, expect, it } from 'vitest';
import { compile } from '@mdx-js/mdx';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import remarkChecklist, { missingImports } from '../../src/checklists/remark-checklist.ts';

const parse = (src: string) => unified().use(remarkParse).use(remarkGfm).use(remarkMdx).parse(src);
const components = { Check: '/src/components/Check.astro', Field: '/src/components/Field.astro' };

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

	it('adds nothing to a page without checklist components', async () => {
		const out = String(await compile({ value: '# Title\n\n- [ ] manual\n', path: 'page.mdx' }, { remarkPlugins: [remarkGfm, [remarkChecklist, components]] }));
		expect(out).not.toContain('/src/components/');
	});

	it('leaves plain Markdown files alone', () => {
		const tree = parse('- [ ] x <Check id="a" />\n');
		const before = tree.children.length;
		remarkChecklist(components)(tree, { path: 'notes.md' } as never);
		expect(tree.children.length).toBe(before);
	});
});
