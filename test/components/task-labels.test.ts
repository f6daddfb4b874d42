import { createMarkdownProcessor } from '@astrojs/markdown-remark';
import { describe, expect, it } from 'vitest';
import { rehypeTaskLabels } from '../../src/components/task-labels.ts';

const render = async (markdown: string) => (await (await createMarkdownProcessor({ rehypePlugins: [rehypeTaskLabels] })).render(markdown)).code;

describe('rehypeTaskLabels', () => {
	it('names each task checkbox after its own item, not its sub-items', async () => {
		const html = await render('- [ ] **Scribe**: Attendance recorded\n  - [x] Registrations counted\n- [ ] Comms: Thank-you sent\n');
		expect(html).toMatch(/<input type="checkbox" disabled aria-label="Scribe: Attendance recorded">/);
		expect(html).toMatch(/<input type="checkbox" checked disabled aria-label="Registrations counted">/);
		expect(html).toMatch(/<input type="checkbox" disabled aria-label="Comms: Thank-you sent">/);
	});

	it('labels the box of a loose item (inside its paragraph) and cuts a long text', async () => {
		const long = 'word '.repeat(60).trim();
		const html = await render(`- [ ] First\n\n- [ ] ${long}\n`);
		expect(html).toMatch(/<p><input type="checkbox" disabled aria-label="First">/);
		const label = /aria-label="(word[^"]*)"/.exec(html)![1]!;
		expect(label).toHaveLength(150);
		expect(label.endsWith('…')).toBe(true);
	});

	it('leaves lists without task boxes alone', async () => {
		expect(await render('- plain\n- list\n')).not.toContain('aria-label');
	});
});
