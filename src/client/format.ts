// Browser-side wording of states, ages and observed values. Pure functions, no DOM. Every state
// comes from the server (src/checks/types.ts `stateTable`): nothing here decides one.
import { isRed as isRedState, stateTable, type ItemState } from '../checks/types.ts';
import { verdictText } from '../checklists/progress.ts';
import type { ApprovalState } from '../server/roles.ts';

export { verdictText };

/** What an item shows: the server's state for it, or `no-run` while no run is selected. */
export type DisplayState = ItemState | 'no-run';

/** The word on a state's badge; also what a screen reader reads. */
export function stateLabel(state: DisplayState): string {
	return state === 'no-run' ? 'no run' : stateTable[state].label;
}

/** The glyph beside the word, so no state is told apart by colour alone. */
export function stateIcon(state: DisplayState): string {
	return state === 'no-run' ? '' : stateTable[state].icon;
}

/** Red states: the item blocks and its runbook is the next thing to open. */
export const isRed = (state: DisplayState): boolean => state !== 'no-run' && isRedState(state);

/**
 * How long ago an ISO time was, in words that fit a narrow column.
 *
 * @example
 * age('2026-12-01T10:00:00Z', new Date('2026-12-01T10:03:10Z')) // → '3 min ago'
 */
export function age(iso: string | null | undefined, now: Date = new Date()): string {
	const t = iso ? Date.parse(iso) : NaN;
	if (Number.isNaN(t)) return '';
	const s = Math.max(0, Math.round((now.getTime() - t) / 1000));
	if (s < 10) return 'just now';
	if (s < 60) return `${s} s ago`;
	if (s < 3600) return `${Math.floor(s / 60)} min ago`;
	if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
	return `${Math.floor(s / 86_400)} d ago`;
}

/**
 * When a check's latest results (one per region) last finished: the newest region's time, as
 * the item and the board both show it; undefined while none has finished.
 *
 * @example
 * newestFinish([{ finishedAt: '2026-12-01T10:00:00Z' }, { finishedAt: '2026-12-01T10:05:00Z' }]) // → '2026-12-01T10:05:00Z'
 */
export function newestFinish(results: ReadonlyArray<{ finishedAt?: string | null }>): string | undefined {
	let newest: string | undefined;
	let newestAt = -Infinity;
	for (const r of results) {
		const t = r.finishedAt ? Date.parse(r.finishedAt) : NaN;
		if (!Number.isNaN(t) && t > newestAt) [newest, newestAt] = [r.finishedAt!, t];
	}
	return newest;
}

/** A date-time for people: the reader's locale and time zone. */
export function when(iso: string | null | undefined): string {
	const t = iso ? new Date(iso) : null;
	return t && !Number.isNaN(t.getTime()) ? t.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '';
}

/**
 * "Approved by Ana Ruiz (Dec 1, 2026, 14:02) and Ben Ode (…)." for a run's sign-off approvals
 * (GET /api/runs/:id adds them), or '' before any approval.
 */
export function approvedBy(view: Partial<ApprovalState> | null | undefined): string {
	const list = view?.approvals ?? [];
	return list.length ? `Approved by ${list.map((a) => `${a.name} (${when(a.at)})`).join(' and ')}.` : '';
}

/** An observed value as text, in full: the details panel wraps it rather than cut it. */
export function observedText(value: unknown): string {
	return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
