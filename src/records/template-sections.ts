import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import GithubSlugger from 'github-slugger';
import type { ListItem, Paragraph, PhrasingContent, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { docsDir } from '../checklists/registry.ts';
import { parsePage } from '../checklists/parse.ts';
import { blocksToMarkdown } from './mdx-text.ts';

/** The retrospective template page, under the docs directory: the sections every record has. */
export const retroTemplatePage = 'records/retrospective-template.mdx';

/** One `##` section of the retrospective template: its heading, what it asks for, its items. */
export interface TemplateSection {
	heading: string;
	/** The heading's anchor on the site ("what-went-well"). */
	slug: string;
	/** The section's guidance: its paragraphs before its first list, table or sub-heading. */
	guidance: Paragraph[];
	/** Its task items (ticks cleared, `<Field>`s removed): what to fill where the section has no guidance. */
	items: ListItem[];
}

const isField = (n: RootContent | PhrasingContent) => (n.type === 'mdxJsxTextElement' || n.type === 'mdxJsxFlowElement') && n.name === 'Field';

/** A paragraph without its `<Field>`s (the blanks of the paper form) and the spaces they leave. */
function withoutFields(p: Paragraph): Paragraph {
	const children = p.children.filter((c) => !isField(c));
	const last = children.at(-1);
	if (last?.type === 'text') children[children.length - 1] = { ...last, value: last.value.trimEnd() };
	return { type: 'paragraph', children };
}

/**
 * The `##` sections of the retrospective template in page order, read from its syntax tree: the
 * scaffold writes these headings and asks these questions, so the template page is the one copy.
 *
 * @example
 * templateSections('## What went well\n\nName what worked.\n\n- [ ] **Scribe**: Recorded <Field name="x" />\n', 't.mdx')
 * // → [{ heading: 'What went well', slug: 'what-went-well', guidance: [¶ 'Name what worked.'], items: [- **Scribe**: Recorded] }]
 */
export function templateSections(source: string, file: string): TemplateSection[] {
	const { tree } = parsePage(source, file);
	const slugger = new GithubSlugger();
	const sections: Array<TemplateSection & { open: boolean }> = [];
	for (const node of tree.children) {
		if (node.type === 'heading' && node.depth <= 2) {
			if (node.depth === 2) {
				const heading = toString(node).trim();
				sections.push({ heading, slug: slugger.slug(heading), guidance: [], items: [], open: true });
			}
			continue;
		}
		const current = sections.at(-1);
		if (!current) continue;
		if (node.type === 'paragraph' && current.open) current.guidance.push(withoutFields(node));
		else if (node.type !== 'paragraph' && node.type !== 'mdxjsEsm') current.open = false;
		if (node.type === 'list') {
			for (const item of node.children) {
				if (typeof item.checked !== 'boolean') continue;
				const children = item.children.filter((c) => c.type === 'paragraph').map(withoutFields);
				current.items.push({ type: 'listItem', spread: false, checked: false, children });
			}
		}
	}
	return sections.map(({ open: _, ...s }) => s);
}

/** The template's sections, read from the docs (`docs`: the docs directory, the project's by default). */
export function readTemplateSections(docs = docsDir()): TemplateSection[] {
	const file = join(docs, retroTemplatePage);
	const sections = templateSections(readFileSync(file, 'utf8'), file);
	if (sections.length === 0) throw new Error(`${file} has no "##" sections: the retrospective scaffold writes the template's sections`);
	return sections;
}

/**
 * What a record asks to fill in a section, from the template: "**To fill:**" and the section's
 * guidance, or, where it has none (Lessons learned, Links, Approvals), its items as a list.
 *
 * @example
 * toFillFromTemplate(templateSections('## Where we got lucky\n\nNear misses.\n', 't.mdx')[0]) // → '**To fill:** Near misses.'
 */
export function toFillFromTemplate(section: TemplateSection): string {
	const mark: PhrasingContent[] = [{ type: 'strong', children: [{ type: 'text', value: 'To fill:' }] }];
	if (section.guidance.length > 0) {
		const [first, ...rest] = section.guidance;
		return blocksToMarkdown([{ type: 'paragraph', children: [...mark, { type: 'text', value: ' ' }, ...first!.children] }, ...rest]);
	}
	if (section.items.length === 0) return blocksToMarkdown([{ type: 'paragraph', children: mark }]);
	return blocksToMarkdown([{ type: 'paragraph', children: mark }, { type: 'list', ordered: false, spread: false, children: section.items.map((i) => ({ ...i, checked: null })) }]);
}
