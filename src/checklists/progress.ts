import { stateTable, statusRank, type ItemState, type Status } from '../checks/types.ts';
import type { ChecklistItem } from './extract.ts';

export type { ItemState };

export interface ItemProgress {
	id: string;
	text: string;
	checkId: string | null;
	/** The one display state (see `stateTable`): pages show it as it is. */
	state: ItemState;
	/** Why the item blocks a "go", why it warns, or why it was skipped; null when it is done. */
	reason: string | null;
}

/** How many items stand where: each item counts in exactly one bucket of `stateTable`. */
export interface ProgressCounts {
	done: number;
	warnings: number;
	failing: number;
	notRun: number;
	open: number;
	skipped: number;
}

export interface Progress {
	/** Items that count towards a go: every item but the skipped ones. */
	total: number;
	/** Items passed, passed with a warning, or ticked. */
	done: number;
	counts: ProgressCounts;
	/** What the skipped items have in common, e.g. "7 skipped: not defined for local"; null when none. */
	skippedNote: string | null;
	/** Items that keep the verdict at no-go, most urgent first (failing, then not run, then open). */
	blockers: ItemProgress[];
	warnings: ItemProgress[];
	skipped: ItemProgress[];
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

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Why an item is not done, in a few words (null when there is nothing to say). */
function reasonFor(state: ItemState, message: string | null): string | null {
	switch (state) {
		case 'not-run':
			return 'not run yet';
		case 'stale':
			return 'result is stale; run it again';
		case 'running':
			return 'running';
		case 'pass':
			return null;
		default:
			return message ?? state;
	}
}

/**
 * Where a checklist run stands and whether it is a go: every bound check passing (a warning is
 * noted, not blocking; a check not defined for the environment is skipped and counted apart),
 * every manual item ticked, every field recorded. Blockers sorted failing first.
 *
 * @example
 * computeProgress(items, record, () => 60, new Date()).recommendation // → 'no-go'
 */
export function computeProgress(
	items: readonly ChecklistItem[],
	run: RunState,
	maxAgeOf: (checkId: string) => number,
	now: Date,
	/** Why a check does not apply to the run's environment (it is skipped without running), else null. */
	notApplicable: (checkId: string) => string | null = () => null,
): Progress {
	const ticked = new Set(run.ticks.filter((t) => t.checked).map((t) => t.itemId));
	const recorded = new Set(run.fields.filter((f) => f.value.trim() !== '').map((f) => f.name));
	const out: ItemProgress[] = items.map((item) => {
		if (item.checkId) {
			const skipped = notApplicable(item.checkId);
			if (skipped) return { id: item.id, text: item.text, checkId: item.checkId, state: 'skipped', reason: skipped };
			const { state, message } = checkState(
				run.results.filter((r) => r.checkId === item.checkId),
				maxAgeOf(item.checkId),
				now,
			);
			return { id: item.id, text: item.text, checkId: item.checkId, state, reason: reasonFor(state, message) };
		}
		const missing = item.fields.filter((f) => !recorded.has(f.name)).map((f) => f.label ?? f.name);
		const done = ticked.has(item.id) && missing.length === 0;
		return {
			id: item.id,
			text: item.text,
			checkId: null,
			state: done ? 'ticked' : 'open',
			reason: done ? null : missing.length ? `not recorded: ${missing.join(', ')}` : 'not ticked',
		};
	});
	const inBucket = (bucket: string) => out.filter((i) => stateTable[i.state].bucket === bucket);
	const blockers = out.filter((i) => stateTable[i.state].blocks).sort((a, b) => stateTable[a.state].order - stateTable[b.state].order);
	const skipped = inBucket('skipped');
	const counts: ProgressCounts = {
		done: inBucket('done').length,
		warnings: inBucket('warning').length,
		failing: inBucket('failing').length,
		notRun: inBucket('not-run').length,
		open: inBucket('open').length,
		skipped: skipped.length,
	};
	const reasons = [...new Set(skipped.map((i) => i.reason ?? 'skipped'))];
	return {
		total: out.length - skipped.length,
		done: counts.done + counts.warnings,
		counts,
		skippedNote: skipped.length ? `${skipped.length} skipped: ${reasons.length === 1 ? reasons[0] : reasons.join('; ')}` : null,
		blockers,
		warnings: inBucket('warning'),
		skipped,
		items: out,
		recommendation: blockers.length === 0 ? 'go' : 'no-go',
	};
}

/**
 * The verdict in words, each kind of blocker counted apart, e.g.
 * "no-go: 2 failing, 5 checks not run, 29 items open".
 */
export function verdictText(progress: Pick<Progress, 'recommendation' | 'counts'>): string {
	const c = progress.counts;
	if (progress.recommendation === 'go') return `go${c.warnings ? ` (${plural(c.warnings, 'warning')} noted)` : ''}`;
	const parts = [c.failing ? `${c.failing} failing` : '', c.notRun ? `${plural(c.notRun, 'check')} not run` : '', c.open ? `${plural(c.open, 'item')} open` : ''].filter(Boolean);
	return `no-go: ${parts.join(', ')}`;
}
