import { statusRank, type Status } from '../checks/types.ts';
import type { ChecklistItem } from './extract.ts';

/** How an item stands in a run. */
export type ItemState = 'done' | 'open' | Status | 'not-run' | 'running' | 'stale' | 'interrupted';

export interface ItemProgress {
	id: string;
	text: string;
	checkId: string | null;
	state: ItemState;
	/** Why the item blocks a "go", when it does. */
	reason: string | null;
}

export interface Progress {
	total: number;
	done: number;
	blockers: ItemProgress[];
	warnings: ItemProgress[];
	items: ItemProgress[];
	recommendation: 'go' | 'no-go';
}

/** What progress needs to know about a run: latest results per check, ticks, recorded fields. */
export interface RunState {
	results: Array<{ checkId: string; state: 'running' | 'done' | 'interrupted'; status: Status | null; finishedAt: string | null; message: string | null }>;
	ticks: Array<{ itemId: string; checked: boolean }>;
	fields: Array<{ name: string; value: string }>;
}

/** The state of one check across its regions: the worst, with running and stale derived. */
export function checkState(results: RunState['results'], maxAgeMinutes: number, now: Date): { state: ItemState; message: string | null } {
	if (results.length === 0) return { state: 'not-run', message: null };
	if (results.some((r) => r.state === 'running')) return { state: 'running', message: null };
	if (results.some((r) => r.state === 'interrupted')) return { state: 'interrupted', message: results.find((r) => r.state === 'interrupted')!.message };
	const worst = results.reduce((a, b) => (statusRank[b.status ?? 'error'] > statusRank[a.status ?? 'error'] ? b : a));
	const oldest = Math.min(...results.map((r) => Date.parse(r.finishedAt ?? '') || 0));
	if (worst.status === 'pass' && now.getTime() - oldest > maxAgeMinutes * 60_000) return { state: 'stale', message: worst.message };
	return { state: worst.status ?? 'error', message: worst.message };
}

/**
 * Where a checklist run stands and whether it is a go: every bound check passing (a warning is
 * noted, not blocking), every manual item ticked, every field recorded. Failing items first.
 *
 * @example
 * computeProgress(items, record, () => 60, new Date()).recommendation // → 'no-go'
 */
export function computeProgress(items: readonly ChecklistItem[], run: RunState, maxAgeOf: (checkId: string) => number, now: Date): Progress {
	const ticked = new Set(run.ticks.filter((t) => t.checked).map((t) => t.itemId));
	const recorded = new Set(run.fields.filter((f) => f.value.trim() !== '').map((f) => f.name));
	const out: ItemProgress[] = items.map((item) => {
		if (item.checkId) {
			const { state, message } = checkState(
				run.results.filter((r) => r.checkId === item.checkId),
				maxAgeOf(item.checkId),
				now,
			);
			const blocking = !['pass', 'warn', 'skipped'].includes(state);
			return {
				id: item.id,
				text: item.text,
				checkId: item.checkId,
				state: state === 'pass' || state === 'skipped' ? 'done' : state,
				reason: blocking ? (state === 'not-run' ? 'not run yet' : state === 'stale' ? 'result is stale; run it again' : (message ?? state)) : state === 'warn' ? message : null,
			};
		}
		const missing = item.fields.filter((f) => !recorded.has(f.name)).map((f) => f.label ?? f.name);
		const done = ticked.has(item.id) && missing.length === 0;
		return {
			id: item.id,
			text: item.text,
			checkId: null,
			state: done ? 'done' : 'open',
			reason: done ? null : missing.length ? `not recorded: ${missing.join(', ')}` : 'not ticked',
		};
	});
	const blockers = out.filter((i) => i.state !== 'done' && i.state !== 'warn');
	const order: Partial<Record<ItemState, number>> = { error: 0, interrupted: 0, fail: 1, stale: 2, running: 3, 'not-run': 4, open: 5 };
	blockers.sort((a, b) => (order[a.state] ?? 9) - (order[b.state] ?? 9));
	return {
		total: out.length,
		done: out.filter((i) => i.state === 'done' || i.state === 'warn').length,
		blockers,
		warnings: out.filter((i) => i.state === 'warn'),
		items: out,
		recommendation: blockers.length === 0 ? 'go' : 'no-go',
	};
}
