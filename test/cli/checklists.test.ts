import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checklistsExtract } from '../../src/cli/checklists.ts';
import { UsageError } from '../../src/cli/checks.ts';

function run(argv: string[]) {
	const out: string[] = [];
	const err: string[] = [];
	const code = checklistsExtract(argv, (s) => out.push(s), (s) => err.push(s));
	return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('handbook checklists extract', () => {
	it('prints every item of the docs by default, files relative to the working directory', () => {
		const { code, out } = run([]);
		expect(code).toBe(0);
		const items = JSON.parse(out) as Array<{ file: string; id: string; checkId: string | null }>;
		expect(items.length).toBeGreaterThan(300);
		expect(items[0]).toEqual({
			file: 'src/content/docs/checklists/pre-workshop.mdx',
			line: expect.any(Number),
			column: 1,
			headingPath: [],
			text: 'Facilitator: Start time recorded',
			id: expect.any(String),
			checkId: null,
			fields: [expect.objectContaining({ name: 'checklist-started-at', type: 'datetime' })],
			depth: 0,
			parentId: null,
			checked: false,
		});
		expect(items.some((i) => i.file === 'src/content/docs/incidents/workspace-restart-loop.mdx' && i.id === 'restart-declare')).toBe(true);
	});

	it('walks directories for .md and .mdx in path order, and reports a page that does not parse', () => {
		const dir = mkdtempSync(join(tmpdir(), 'handbook-extract-'));
		mkdirSync(join(dir, 'sub'));
		writeFileSync(join(dir, 'b.md'), '- [ ] From Markdown <!-- a comment is not shown, so not text -->\n');
		writeFileSync(join(dir, 'sub', 'a.mdx'), '- [ ] From MDX <Check id="healthz" />\n');
		writeFileSync(join(dir, 'broken.mdx'), '- [ ] <!-- not MDX -->\n');
		writeFileSync(join(dir, 'notes.txt'), '- [ ] not a page\n');
		const { code, out, err } = run([dir]);
		expect(code).toBe(3);
		expect(err).toMatch(/broken\.mdx:1:8: Unexpected character/);
		const rel = (f: string) => relative(process.cwd(), join(dir, f));
		expect(JSON.parse(out).map((i: { file: string; text: string; checkId: string | null }) => [i.file, i.text, i.checkId])).toEqual([
			[rel('b.md'), 'From Markdown', null],
			[rel('sub/a.mdx'), 'From MDX', 'healthz'],
		]);
	});

	it('accepts only JSON and existing paths', () => {
		expect(() => run(['--format', 'text'])).toThrow(UsageError);
		expect(() => run(['no/such/page.md'])).toThrow('no such file or directory: no/such/page.md');
	});
});
