import { describe, expect, it } from 'vitest';
import { extractChecklist } from '../../src/checklists/extract.ts';

const items = (source: string, file: string) => extractChecklist(source, file).items;

describe('extractChecklist on tricky inputs', () => {
	it('keeps nested task lists whole and in order, with depth and parent', () => {
		const source = '## Setup\n\n- [ ] Parent step\n  - [x] Child done\n    - [ ] Grandchild\n- Plain bullet\n  1. [ ] Ordered under a plain bullet\n';
		expect(items(source, 'nested.md')).toEqual([
			{ file: 'nested.md', line: 3, column: 1, headingPath: ['Setup'], text: 'Parent step', id: 'parent-step-9183a8', checkId: null, fields: [], depth: 0, parentId: null, checked: false },
			{ file: 'nested.md', line: 4, column: 3, headingPath: ['Setup'], text: 'Child done', id: 'child-done-efddd7', checkId: null, fields: [], depth: 1, parentId: 'parent-step-9183a8', checked: true },
			{ file: 'nested.md', line: 5, column: 5, headingPath: ['Setup'], text: 'Grandchild', id: 'grandchild-ec6857', checkId: null, fields: [], depth: 2, parentId: 'child-done-efddd7', checked: false },
			{ file: 'nested.md', line: 7, column: 3, headingPath: ['Setup'], text: 'Ordered under a plain bullet', id: 'ordered-under-a-plain-bullet-c16e2e', checkId: null, fields: [], depth: 0, parentId: null, checked: false },
		]);
	});

	it('keeps a code fence inside an item with its item, and finds no item inside the fence', () => {
		const source = '- [ ] Run the query\n  ```sh\n  promtool query instant "$PROM_URL" up\n  - [ ] not an item\n  ```\n  Expected: every target up.\n- [ ] Next step\n';
		expect(items(source, 'fence.md')).toEqual([
			{ file: 'fence.md', line: 1, column: 1, headingPath: [], text: 'Run the query', id: 'run-the-query-b251e5', checkId: null, fields: [], depth: 0, parentId: null, checked: false },
			{ file: 'fence.md', line: 7, column: 1, headingPath: [], text: 'Next step', id: 'next-step-298a92', checkId: null, fields: [], depth: 0, parentId: null, checked: false },
		]);
	});

	it('reads MDX: an explicit id comment, a bound check, a field; other expressions stay in the text as written', () => {
		const source =
			'- [ ] Restarts stay under {limit} per node {/* id: restarts-01 */}\n- [ ] Key valid <Check id="litellm-key-expiry" /> {/* a note for authors */}\n- [ ] Count recorded <Field name="count" type="number" label="Count" unit="pods" />\n';
		expect(items(source, 'expr.mdx')).toEqual([
			{ file: 'expr.mdx', line: 1, column: 1, headingPath: [], text: 'Restarts stay under {limit} per node', id: 'restarts-01', checkId: null, fields: [], depth: 0, parentId: null, checked: false },
			{ file: 'expr.mdx', line: 2, column: 1, headingPath: [], text: 'Key valid', id: 'litellm-key-expiry', checkId: 'litellm-key-expiry', fields: [], depth: 0, parentId: null, checked: false },
			{
				file: 'expr.mdx',
				line: 3,
				column: 1,
				headingPath: [],
				text: 'Count recorded',
				id: 'count-recorded-99bb50',
				checkId: null,
				fields: [{ name: 'count', type: 'number', label: 'Count', unit: 'pods', line: 3, column: 22 }],
				depth: 0,
				parentId: null,
				checked: false,
			},
		]);
	});

	it('gives CRLF pages exactly the items of LF pages', () => {
		const lf = '## A\n\n- [ ] one\n  - [ ] two\n- [x] three\n';
		expect(items(lf.replace(/\n/g, '\r\n'), 'crlf.md')).toEqual(items(lf, 'crlf.md'));
		expect(items(lf.replace(/\n/g, '\r\n'), 'crlf.md').map((i) => [i.line, i.column, i.text])).toEqual([
			[3, 1, 'one'],
			[4, 3, 'two'],
			[5, 1, 'three'],
		]);
	});

	it('follows GFM for empty items: a bare "[ ]" is text, not an item; an item with only a field or an id has empty text', () => {
		expect(items('- [ ]\n- [ ] \n- [x] Done\n', 'empty.md')).toEqual([
			{ file: 'empty.md', line: 3, column: 1, headingPath: [], text: 'Done', id: 'done-11a676', checkId: null, fields: [], depth: 0, parentId: null, checked: true },
		]);
		expect(items('- [ ] <Field name="attendance" type="number" />\n- [ ] {/* id: blank-1 */}\n', 'empty.mdx')).toEqual([
			{
				file: 'empty.mdx',
				line: 1,
				column: 1,
				headingPath: [],
				text: '',
				id: 'item-e3b0c4',
				checkId: null,
				fields: [{ name: 'attendance', type: 'number', label: null, unit: null, line: 1, column: 7 }],
				depth: 0,
				parentId: null,
				checked: false,
			},
			{ file: 'empty.mdx', line: 2, column: 1, headingPath: [], text: '', id: 'blank-1', checkId: null, fields: [], depth: 0, parentId: null, checked: false },
		]);
	});

	it('keeps HTML-looking text in plain Markdown as written, and binds no check there', () => {
		const source = '- [ ] Replace <placeholder> with the host & port\n- [ ] Keep <b>bold</b> and a < b\n- [ ] <Check id="healthz" /> is only text in Markdown\n';
		expect(items(source, 'html.md')).toEqual([
			{ file: 'html.md', line: 1, column: 1, headingPath: [], text: 'Replace <placeholder> with the host & port', id: 'replace-placeholder-with-the-host-port-30e3a0', checkId: null, fields: [], depth: 0, parentId: null, checked: false },
			{ file: 'html.md', line: 2, column: 1, headingPath: [], text: 'Keep <b>bold</b> and a < b', id: 'keep-bboldb-and-a-b-619957', checkId: null, fields: [], depth: 0, parentId: null, checked: false },
			{ file: 'html.md', line: 3, column: 1, headingPath: [], text: '<Check id="healthz" /> is only text in Markdown', id: 'check-idhealthz-is-only-text-in-b4df0e', checkId: null, fields: [], depth: 0, parentId: null, checked: false },
		]);
	});

	it('keeps blanks to fill in the text (the lint flags them)', () => {
		expect(items('## Sign-off\n\n- [ ] Attendance: ____ people\n- [ ] Owner: TBD\n', 'blanks.md')).toEqual([
			{ file: 'blanks.md', line: 3, column: 1, headingPath: ['Sign-off'], text: 'Attendance: ____ people', id: 'attendance-people-d8443d', checkId: null, fields: [], depth: 0, parentId: null, checked: false },
			{ file: 'blanks.md', line: 4, column: 1, headingPath: ['Sign-off'], text: 'Owner: TBD', id: 'owner-tbd-221607', checkId: null, fields: [], depth: 0, parentId: null, checked: false },
		]);
	});

	it('finds items in containers once, and fields outside items as loose fields', () => {
		const c = extractChecklist('<Aside>\n- [ ] Inside an aside <Field name="a" />\n</Aside>\n\n> - [ ] In a quote\n\n| a | b |\n| - | - |\n| <Field name="t" /> | x |\n', 'aside.mdx');
		expect(c.items.map((i) => [i.text, i.fields.map((f) => f.name)])).toEqual([
			['Inside an aside', ['a']],
			['In a quote', []],
		]);
		expect(c.looseFields).toEqual([{ name: 't', type: 'text', label: null, unit: null, line: 9, column: 3 }]);
	});
});

describe('item ids', () => {
	it('stay the same when other items and the text around them change', () => {
		const before = items('## A\n\n- [ ] First step\n- [ ] Second step <Check id="healthz" />\n- [ ] Third step {/* id: third */}\n', 's.mdx').map((i) => i.id);
		const after = items('## A\n\nNew intro paragraph.\n\n- [ ] A new step first\n- [ ] First step\n- [ ] Second step, reworded <Check id="healthz" />\n- [ ] Third step, reworded too {/* id: third */}\n', 's.mdx').map((i) => i.id);
		expect(before).toEqual(['first-step-aa73f8', 'healthz', 'third']);
		expect(after).toEqual(['a-new-step-first-055e69', 'first-step-aa73f8', 'healthz', 'third']);
	});

	it('number colliding ids and report each collision with its cause', () => {
		const c = extractChecklist('- [ ] Same text\n- [ ] Same text\n- [ ] One <Check id="healthz" />\n- [ ] Two <Check id="healthz" />\n- [ ] A {/* id: x */}\n- [ ] B {/* id: x */}\n', 'dup.mdx');
		expect(c.items.map((i) => i.id)).toEqual(['same-text-d963de', 'same-text-d963de-2', 'healthz', 'healthz-2', 'x', 'x-2']);
		expect(c.collisions).toEqual([
			{ base: 'same-text-d963de', id: 'same-text-d963de-2', line: 2, column: 1, firstLine: 1, source: 'text' },
			{ base: 'healthz', id: 'healthz-2', line: 4, column: 1, firstLine: 3, source: 'check' },
			{ base: 'x', id: 'x-2', line: 6, column: 1, firstLine: 5, source: 'explicit' },
		]);
	});
});

describe('Markdown from elsewhere', () => {
	it('finds task lists inside a quote inside an item, one level down, in order', () => {
		const source = '- [ ] Parent\n  > - [ ] Quoted\n  > - [x] Quoted done\n  >   - [ ] Under the quoted\n- [ ] Next\n';
		const c = extractChecklist(source, 'quote.md');
		expect(c.items.map((i) => [i.text, i.depth, i.checked, i.parentId && c.items.find((p) => p.id === i.parentId)!.text])).toEqual([
			['Parent', 0, false, null],
			['Quoted', 1, false, 'Parent'],
			['Quoted done', 1, true, 'Parent'],
			['Under the quoted', 2, false, 'Quoted done'],
			['Next', 0, false, null],
		]);
	});

	it('reads an explicit id from an HTML comment in .md, and from a JSX comment in .mdx; neither is text', () => {
		expect(items('- [ ] Drain the node <!-- id: drain-01 -->\n', 'a.md').map((i) => [i.id, i.text])).toEqual([['drain-01', 'Drain the node']]);
		expect(items('- [ ] Drain the node {/* id: drain-01 */}\n', 'a.mdx').map((i) => [i.id, i.text])).toEqual([['drain-01', 'Drain the node']]);
		// An HTML comment that is not an id is dropped from the text all the same: it is not shown.
		expect(items('- [ ] Drain the node <!-- ask Sam first -->\n', 'a.md').map((i) => i.text)).toEqual(['Drain the node']);
	});

	it('tells apart the same text under different headings by the heading path, with no collision', () => {
		const source = '## eu-west-2\n\n- [ ] Delete test workspace\n\n## us-east-1\n\n- [ ] Delete test workspace\n';
		const c = extractChecklist(source, 'regions.md');
		expect(c.collisions).toEqual([]);
		const [a, b] = c.items.map((i) => i.id);
		expect(a).toMatch(/^delete-test-workspace-[0-9a-f]{6}$/);
		expect(b).toMatch(/^delete-test-workspace-[0-9a-f]{6}$/);
		expect(a).not.toBe(b);
		// Another region added later leaves both ids as they were.
		const again = extractChecklist(`${source}\n## eu-west-3\n\n- [ ] Delete test workspace\n`, 'regions.md').items.map((i) => i.id);
		expect(again.slice(0, 2)).toEqual([a, b]);
		// Under the same heading it is still a collision.
		expect(extractChecklist('## A\n\n- [ ] Same\n- [ ] Same\n\n## B\n\n- [ ] Same\n', 'x.md').collisions.map((x) => x.line)).toEqual([4]);
	});
});
