import type { Run, StoredResult } from '../store/store.ts';

/** Who reads a run: a signed-in facilitator sees everything, an anonymous reader less. */
export type Reader = 'facilitator' | 'anonymous';

/** What visibility needs to know of a check: only its access. */
export type AccessOf = (checkId: string) => 'public' | 'facilitator' | undefined;

/** A result whose observed values and message were withheld from an anonymous reader. */
export type VisibleResult = StoredResult & { hidden?: true };

/** A recorded field whose value was withheld from an anonymous reader: who and when stay. */
export interface VisibleField {
	name: string;
	value: string;
	by: string;
	at: string;
	hidden?: true;
}

/**
 * A result as `reader` may see it. Anonymous readers see the status, state, region and timing of
 * every check, but the observed values and message only of `public` checks (an unknown check
 * counts as facilitator-only): a facilitator-only check observes gateway spend, key aliases and
 * node names.
 *
 * @example
 * visibleResult(result, 'anonymous', () => 'facilitator') // → { ...result, observed: {}, message: null, hidden: true }
 */
export function visibleResult<R extends StoredResult>(result: R, reader: Reader, accessOf: AccessOf): R | (R & { hidden: true }) {
	if (reader === 'facilitator' || accessOf(result.checkId) === 'public') return result;
	return { ...result, observed: {}, message: null, hidden: true };
}

/** A recorded field as `reader` may see it: anonymous readers learn that it was recorded, not the value. */
export function visibleField(field: { name: string; value: string; by: string; at: string }, reader: Reader): VisibleField {
	return reader === 'facilitator' ? field : { ...field, value: '', hidden: true };
}

/** A run as `reader` may see it: the go / no-go is public, the note that explains it is not. */
export function visibleRun(run: Run, reader: Reader): Run {
	return reader === 'facilitator' || run.decisionNote === null ? run : { ...run, decisionNote: null };
}

/** Progress items whose reason may quote a check's message (see `computeProgress`). */
type ProgressLike = { items: Array<{ checkId: string | null; state: string; reason: string | null }>; blockers: Array<{ checkId: string | null; state: string; reason: string | null }>; warnings: Array<{ checkId: string | null; state: string; reason: string | null }> };

/**
 * Progress as `reader` may see it: the reason of a facilitator-only check's item says its state
 * word instead of quoting the check's message (what `computeProgress` says when it has none).
 */
export function visibleProgress<P extends ProgressLike>(progress: P, reader: Reader, accessOf: AccessOf): P {
	if (reader === 'facilitator') return progress;
	const quiet = new Set(['not-run', 'stale', 'running', 'pass', 'skipped', 'ticked', 'open']);
	const item = <I extends ProgressLike['items'][number]>(i: I): I =>
		i.checkId && accessOf(i.checkId) !== 'public' && !quiet.has(i.state) && i.reason !== null ? { ...i, reason: i.state } : i;
	return { ...progress, items: progress.items.map(item), blockers: progress.blockers.map(item), warnings: progress.warnings.map(item) };
}

/** Audit actions whose detail is safe for anonymous readers (regions, statuses, the environment). */
const publicDetail = new Set(['run.start', 'check.start', 'check.result', 'check.interrupted', 'check.late-result', 'run.sign-off']);

/**
 * One live event (an audit entry and the state it changed, see EventHub) as `reader` may see it:
 * results, fields and the run pass through the functions above, and the entry's own detail is
 * dropped where it carries what people typed (a field's value, a decision note).
 */
export function visibleEvent<E extends { action: string; detail: unknown; data?: unknown }>(event: E, reader: Reader, accessOf: AccessOf): E {
	if (reader === 'facilitator') return event;
	const data = event.data as { results?: StoredResult[]; field?: VisibleField; run?: Run; progress?: ProgressLike } | undefined;
	const out = { ...event, detail: publicDetail.has(event.action) ? event.detail : null };
	if (data && typeof data === 'object') {
		out.data = {
			...data,
			...(data.results ? { results: data.results.map((r) => visibleResult(r, reader, accessOf)) } : {}),
			...(data.field ? { field: visibleField(data.field, reader) } : {}),
			...(data.run ? { run: visibleRun(data.run, reader) } : {}),
			...(data.progress ? { progress: visibleProgress(data.progress, reader, accessOf) } : {}),
		};
	}
	return out;
}
