import type { Root, RootContent } from 'mdast';
import type { VFile } from 'vfile';
import { parse as parseJs } from 'acorn';
import { visit } from 'unist-util-visit';

/** Components an author may use in any handbook MDX page without importing them. */
export interface ChecklistComponents {
	/** Absolute path (or root-relative specifier) of the `<Check>` component. */
	Check: string;
	/** Absolute path (or root-relative specifier) of the `<Field>` component. */
	Field: string;
}

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
 * Remark plugin: auto-imports `<Check>` and `<Field>` into every MDX page that uses them, so
 * authors write `- [ ] LiteLLM key valid <Check id="litellm-key-expiry" />` and nothing else.
 * Plain `.md` files carry no JSX and are left alone.
 */
export default function remarkChecklist(components: ChecklistComponents) {
	return (tree: Root, file: VFile) => {
		if (file.path && !file.path.endsWith('.mdx')) return;
		const missing = missingImports(tree, Object.keys(components));
		tree.children.unshift(...missing.map((name) => importNode(name, components[name as keyof ChecklistComponents])));
	};
}
