import type { LintRule } from './rule.ts';

/** PG001: reported by the lint itself when a page does not parse (see `lintPage`). */
export const pageParses: LintRule = {
	id: 'PG001',
	name: 'page-parses',
	severity: 'error',
	description: 'The page parses as MDX (.mdx) or GFM Markdown (.md), frontmatter included.',
};
