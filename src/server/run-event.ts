// The payloads of a run's live events (GET /api/runs/:id/events), shared by the server that sends
// them and the page that reads them. Types and names only: the browser bundle imports this.
import type { Progress } from '../checklists/progress.ts';
import type { AuditEntry, RunRecord } from '../store/store.ts';
import type { RunAllState } from './run-all.ts';

/** What a run's live event carries besides its audit entry: the changed rows, progress and run-all as the server computed them. */
export interface RunEventData {
	progress?: Progress;
	runAll: RunAllState | null;
	results?: RunRecord['results'];
	tick?: RunRecord['ticks'][number];
	field?: RunRecord['fields'][number];
	run?: RunRecord['run'];
}

/** One live event: the audit entry (its `action` is the SSE event name) and its data. */
export interface RunEvent extends AuditEntry {
	data?: RunEventData;
}

/** The live events of a run, by SSE event name: the audit actions a page listens to. */
export const runEventNames = [
	'run.start',
	'check.start',
	'check.result',
	'check.interrupted',
	'item.tick',
	'item.untick',
	'field.set',
	'run.decide',
	'run.approve',
	'run.sign-off',
	'run-all.start',
	'run-all.finish',
	'run-all.interrupted',
] as const;

/**
 * The event a reader far behind gets instead of the entries it missed: its data is the run's
 * whole current view (RunView), its id the view's revision.
 */
export const runSnapshotEvent = 'run.snapshot';
