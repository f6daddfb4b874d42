// What a screen reader hears about a run's live event: the sentence, or null for none.
import type { RunView } from '../server/runs.ts';
import type { RunEvent } from '../server/run-event.ts';

export interface AnnounceContext {
	/** The run after the event was applied. */
	view: RunView;
	/** The reader's own name: their own ticks and fields are not read back to them. */
	me: string | null;
	/** A check's title by id. */
	checkTitle(id: string): string | undefined;
	/** An item's text by id, as the page shows it. */
	itemText(id: string): string | undefined;
}

export function announcement(action: string, entry: RunEvent, c: AnnounceContext): string | null {
	const data = entry.data;
	const mine = entry.actor === c.me;
	const target = entry.target ?? '';
	const progress = c.view.progress;
	if (action === 'check.result' && data?.results?.length) return `${c.checkTitle(target) ?? target}: ${data.results.map((r) => r.status).join(', ')}.`;
	if (!mine && (action === 'item.tick' || action === 'item.untick')) return `${entry.actor} ${action === 'item.tick' ? 'ticked' : 'unticked'}: ${c.itemText(target) ?? target}.`;
	if (!mine && action === 'field.set') return `${entry.actor} recorded ${target}.`;
	if (action === 'run-all.finish' && progress) return `Run all finished: ${progress.done} of ${progress.total} items done; computed ${progress.recommendation}.`;
	if (action === 'run-all.interrupted') return 'Run all was interrupted: the handbook stopped. The checks it did not finish show as interrupted.';
	if (action === 'run.decide') return `Decision recorded: ${data?.run?.decision ?? target} by ${entry.actor}.`;
	if (action === 'run.approve') return `${entry.actor} approved the sign-off; another approver is needed.`;
	if (action === 'run.sign-off') return `Signed off by ${entry.actor}. The run is frozen.`;
	return null;
}
