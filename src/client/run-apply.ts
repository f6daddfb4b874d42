// A run's live event applied to the view the page shows: the changed rows, and the progress and
// run-all job exactly as the server computed them.
import type { RunView } from '../server/runs.ts';
import type { RunEvent } from '../server/run-event.ts';

/** Puts a tick in place of the item's earlier one. */
export function upsertTick(view: RunView, tick: RunView['ticks'][number]): void {
	view.ticks = view.ticks.filter((t) => t.itemId !== tick.itemId).concat(tick);
}

/** Applies one live event's data to `view` in place. */
export function applyEvent(view: RunView, entry: RunEvent): void {
	const data: Partial<NonNullable<RunEvent['data']>> = entry.data ?? {};
	if (data.results && entry.target) view.results = view.results.filter((r) => r.checkId !== entry.target).concat(data.results);
	if (data.tick) upsertTick(view, data.tick);
	if (data.field) view.fields = view.fields.filter((f) => f.name !== data.field!.name).concat(data.field);
	if (data.run) view.run = data.run;
	if (data.progress) view.progress = data.progress;
	if (data.runAll !== undefined) view.runAll = data.runAll;
}
