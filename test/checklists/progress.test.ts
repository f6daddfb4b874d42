import { describe, expect, it } from 'vitest';
import { computeProgress, verdictText, type RunState } from '../../src/checklists/progress.ts';
import { extractChecklist } from '../../src/checklists/extract.ts';
import { isRed, stateTable } from '../../src/checks/types.ts';

const page = `---
title: T
description: T.
checklist:
  id: t
  phase: T-2
---

- [ ] Key valid <Check id="key" />
- [ ] Images same <Check id="images" />
- [ ] DNS <Check id="dns" />
- [ ] Pipeline <Check id="pipeline" />
- [ ] Proxy <Check id="proxy" />
- [ ] Support told
- [ ] Attendance <Field name="attendance" type="number" />
`;
const items = extractChecklist(page, 't.mdx').items;
const now = new Date('2026-11-29T10:00:00Z');
const result = (checkId: string, status: RunState['results'][number]['status'], message: string | null = null, finishedAt = '2026-11-29T09:59:00Z'): RunState['results'][number] => ({
	checkId,
	state: 'done',
	status,
	finishedAt,
	message,
});

describe('computeProgress', () => {
	it('keeps skipped apart: never done, never blocking, counted with its reason', () => {
		const run: RunState = { results: [result('key', 'pass'), result('images', 'fail', 'London differs'), result('dns', 'error', 'no answer'), result('pipeline', 'skipped', 'not defined for local'), result('proxy', 'warn', '1 of 3 behind')], ticks: [], fields: [] };
		const p = computeProgress(items, run, () => 60, now);
		expect(p.items.map((i) => i.state)).toEqual(['pass', 'fail', 'error', 'skipped', 'warn', 'open', 'open']);
		expect(p.counts).toEqual({ done: 1, warnings: 1, failing: 2, notRun: 0, open: 2, skipped: 1 });
		expect(p.total).toBe(6);
		expect(p.done).toBe(2);
		expect(p.skippedNote).toBe('1 skipped: not defined for local');
		// Errors first (could not observe), then failures, then open items.
		expect(p.blockers.map((b) => b.state)).toEqual(['error', 'fail', 'open', 'open']);
		expect(p.blockers[0]!.reason).toBe('no answer');
		expect(p.warnings.map((w) => w.reason)).toEqual(['1 of 3 behind']);
		expect(p.recommendation).toBe('no-go');
		expect(verdictText(p)).toBe('no-go: 2 failing, 2 items open');
	});

	it('is go when every check passes or warns, the rest is skipped, and every item is ticked and recorded', () => {
		const ids = items.filter((i) => !i.checkId).map((i) => i.id);
		const run: RunState = {
			results: [result('key', 'pass'), result('images', 'pass'), result('dns', 'pass'), result('pipeline', 'skipped', 'not defined for local'), result('proxy', 'warn', 'behind')],
			ticks: ids.map((itemId) => ({ itemId, checked: true })),
			fields: [{ name: 'attendance', value: '18' }],
		};
		const p = computeProgress(items, run, () => 60, now);
		expect(p.recommendation).toBe('go');
		expect(p.items.filter((i) => !i.checkId).map((i) => i.state)).toEqual(['ticked', 'ticked']);
		expect(verdictText(p)).toBe('go (1 warning noted)');
	});

	it('counts checks not run, running and stale as not run, and an empty field keeps its item open', () => {
		const old = '2026-11-29T07:00:00Z';
		const run: RunState = {
			results: [result('key', 'pass', null, old), { checkId: 'images', state: 'running', status: null, finishedAt: null, message: null }],
			ticks: items.filter((i) => !i.checkId).map((i) => ({ itemId: i.id, checked: true })),
			fields: [{ name: 'attendance', value: '  ' }],
		};
		const p = computeProgress(items, run, () => 60, now);
		expect(p.items.map((i) => i.state)).toEqual(['stale', 'running', 'not-run', 'not-run', 'not-run', 'ticked', 'open']);
		expect(p.items.at(-1)!.reason).toBe('not recorded: attendance');
		expect(p.counts.notRun).toBe(5);
		expect(verdictText(p)).toBe('no-go: 5 checks not run, 1 item open');
	});
});

describe('the status table', () => {
	it('tells error from fail by icon and word, and never counts skipped as done', () => {
		expect(stateTable.error.icon).not.toBe(stateTable.fail.icon);
		expect(stateTable.error.label).not.toBe(stateTable.fail.label);
		expect(stateTable.skipped.bucket).toBe('skipped');
		expect(stateTable.skipped.blocks).toBe(false);
		expect(Object.entries(stateTable).filter(([, s]) => s.bucket === 'done').map(([k]) => k)).toEqual(['pass', 'ticked']);
		expect(['fail', 'error', 'interrupted'].every((s) => isRed(s as never))).toBe(true);
		expect(isRed('skipped')).toBe(false);
		expect(isRed('warn')).toBe(false);
	});
});

describe('a check not defined for the environment', () => {
	it('is skipped before it runs, with the reason the server gives', () => {
		const p = computeProgress(items, { results: [], ticks: [], fields: [] }, () => 60, now, (id) => (id === 'pipeline' ? 'not defined for local' : null));
		expect(p.items.find((i) => i.checkId === 'pipeline')).toMatchObject({ state: 'skipped', reason: 'not defined for local' });
		expect(p.skippedNote).toBe('1 skipped: not defined for local');
		expect(p.counts.notRun).toBe(4);
	});
});
