import { createMarkdownProcessor } from '@astrojs/markdown-remark';
import { describe, expect, it } from 'vitest';
import { rehypeTableRegion } from '../../src/components/table-region.ts';

const render = async (markdown: string) => (await (await createMarkdownProcessor({ rehypePlugins: [rehypeTableRegion] })).render(markdown)).code;

describe('rehypeTableRegion', () => {
	it('puts each table in a focusable region named after the heading above it', async () => {
		const html = await render('## Injects\n\n| at | what |\n| --- | --- |\n| +0m | a report |\n\n## Roles\n\nText.\n\n| role | brief |\n| --- | --- |\n| IC | runs it |\n');
		expect(html).toMatch(/<h2 id="injects">Injects<\/h2>\s*<div class="hb-table-region" role="region" tabindex="0" aria-label="Injects \(table\)"><table>/);
		expect(html).toContain('aria-label="Roles (table)"');
		expect(html.match(/hb-table-region/g)).toHaveLength(2);
	});

	it('numbers the tables that have no heading above them, and leaves other content alone', async () => {
		const html = await render('| a |\n| - |\n| 1 |\n\nplain *text*\n');
		expect(html).toContain('aria-label="Table 1"');
		expect(html).toContain('<p>plain <em>text</em></p>');
	});
});
