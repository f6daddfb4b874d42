// Browser-side wording of states, ages and observed values. Pure functions, no DOM.

/** What a check item shows: its result's status, or where it stands without one. */
export type DisplayState = 'no-run' | 'not-run' | 'running' | 'pass' | 'warn' | 'fail' | 'error' | 'skipped' | 'stale' | 'interrupted';

/** Short labels for the status badge; the words a screen reader reads too. */
export const stateLabel: Record<DisplayState, string> = {
	'no-run': 'no run',
	'not-run': 'not run',
	running: 'running…',
	pass: 'pass',
	warn: 'warn',
	fail: 'fail',
	error: 'error',
	skipped: 'skipped',
	stale: 'stale',
	interrupted: 'interrupted',
};

/** Red states: the item blocks and its runbook is the next thing to open. */
export const isRed = (state: DisplayState): boolean => state === 'fail' || state === 'error' || state === 'interrupted';

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

/** A date-time for people: the reader's locale and time zone. */
export function when(iso: string | null | undefined): string {
	const t = iso ? new Date(iso) : null;
	return t && !Number.isNaN(t.getTime()) ? t.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '';
}

/** An observed value as one line of text, long values cut. */
export function observedText(value: unknown, max = 300): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
