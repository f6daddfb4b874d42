import { renderMessage } from '../checks/outcome.ts';
import type { Observed, Status } from '../checks/types.ts';
import type { ChecklistItem } from './extract.ts';
import { formatOffset, type Inject, type Scenario } from './scenario.ts';

/** What a check returns in a rehearsal: a CheckResult without the run's timing and environment. */
export interface ScriptedOutcome {
	checkId: string;
	region: string | null;
	status: Status;
	message: string;
	observed: Observed;
	/** Index in `scenario.injects` of the inject that decided this outcome; null while healthy. */
	inject: number | null;
	/** Seconds into the rehearsal at which that inject fired; null while healthy. */
	at: number | null;
	scripted: true;
}

const applies = (inject: Inject, checkId: string, region: string | null) => inject.check === checkId && (inject.region === undefined || inject.region === region);

/**
 * The scripted outcome of a check `elapsedMs` into a rehearsal: the latest inject for the check
 * (and region: an inject without a region applies to every region) whose time has passed; a
 * healthy `pass` before then, and in regions no inject names; null for a check the scenario never
 * mentions, which the caller answers without probing (a rehearsal never touches real targets).
 * Messages fill `{name}` from the inject's observed values, as the config's messages do.
 *
 * @example
 * scriptedOutcome(scenario, 'image-consistency', 'eu-west-2', 5 * 60_000)
 * // → { status: 'fail', message: 'eu-west-2 runs sha256:0be1…, the others sha256:9f3c…', inject: 1, at: 240, … }
 */
export function scriptedOutcome(scenario: Scenario, checkId: string, region: string | null, elapsedMs: number): ScriptedOutcome | null {
	if (!scenario.injects.some((i) => i.check === checkId)) return null;
	let due: { inject: Inject; index: number } | null = null;
	scenario.injects.forEach((inject, index) => {
		if (!applies(inject, checkId, region) || inject.at * 1000 > elapsedMs) return;
		if (!due || inject.at >= due.inject.at) due = { inject, index };
	});
	if (!due) return { checkId, region, status: 'pass', message: 'healthy: nothing scripted has happened yet', observed: {}, inject: null, at: null, scripted: true };
	const { inject, index } = due as { inject: Inject; index: number };
	const observed = inject.observed ?? {};
	return { checkId, region, status: inject.status ?? 'pass', message: renderMessage(inject.message, { region, ...observed }), observed, inject: index, at: inject.at, scripted: true };
}

/**
 * The injects whose time has come `elapsedMs` into a rehearsal, in time order, with their index
 * in the scenario: what the facilitator has delivered so far.
 *
 * @example
 * firedInjects(scenario, 60_000).map((f) => f.index) // → [0]
 */
export function firedInjects(scenario: Scenario, elapsedMs: number): Array<{ index: number; inject: Inject }> {
	return scenario.injects
		.map((inject, index) => ({ index, inject }))
		.filter((f) => f.inject.at * 1000 <= elapsedMs)
		.sort((a, b) => a.inject.at - b.inject.at || a.index - b.index);
}

/** Something the team did during a rehearsal, `at` milliseconds after its start. */
export type RehearsalEvent =
	| { at: number; type: 'check'; checkId: string; region: string | null; status: Status; actor?: string }
	| { at: number; type: 'tick'; itemId: string; checked: boolean; actor?: string }
	| { at: number; type: 'field'; itemId: string; name: string; value: string; actor?: string }
	| { at: number; type: 'decision'; text: string; actor?: string }
	| { at: number; type: 'note'; text: string; actor?: string }
	| { at: number; type: 'end'; actor?: string };

export interface ReportOptions {
	/** The runbook's checklist items, to name expected actions by their text. */
	items?: readonly ChecklistItem[];
	/** When the rehearsal started (shown in the overview). */
	startedAt?: Date;
	/** When it ended, in ms after the start; default the `end` event, else the last event. */
	endedAt?: number;
}

/** An expected action and how the team did on it. */
export interface ActionResult {
	item: string;
	text: string;
	/** Target, seconds after the start; null when the scenario sets none. */
	by: number | null;
	/** When it was done, ms after the start; null when it was not (or was undone). */
	doneAt: number | null;
	result: 'on time' | 'late' | 'done' | 'missed';
}

/** "4m 05s" for a duration in milliseconds. */
function duration(ms: number): string {
	const s = Math.round(ms / 1000);
	return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** "+04:05" for a time in milliseconds after the start. */
function clock(ms: number): string {
	const s = Math.max(0, Math.round(ms / 1000));
	const h = Math.floor(s / 3600);
	const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
	const ss = String(s % 60).padStart(2, '0');
	return `+${h ? `${h}:` : ''}${mm}:${ss}`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/**
 * How the team did on each expected action: done by ticking its item (the last tick counts; an
 * untick undoes it) or, for an item bound to a check, by running that check.
 */
export function actionResults(scenario: Scenario, events: readonly RehearsalEvent[], items: readonly ChecklistItem[] = []): ActionResult[] {
	const sorted = [...events].sort((a, b) => a.at - b.at);
	return scenario.expectedActions.map(({ item, by }) => {
		const found = items.find((i) => i.id === item);
		const checkId = found?.checkId ?? null;
		let doneAt: number | null = null;
		for (const e of sorted) {
			if (e.type === 'tick' && e.itemId === item) doneAt = e.checked ? (doneAt ?? e.at) : null;
			else if (e.type === 'field' && e.itemId === item && e.value.trim() !== '') doneAt ??= e.at;
			else if (e.type === 'check' && checkId && e.checkId === checkId) doneAt ??= e.at;
		}
		const result: ActionResult['result'] = doneAt === null ? 'missed' : by === null ? 'done' : doneAt <= by * 1000 ? 'on time' : 'late';
		return { item, text: found?.text ?? item, by, doneAt, result };
	});
}

/**
 * The after-action report of a rehearsal, in Markdown: overview, timeline (injects and what the
 * team did), time to each expected action, missed actions, the discussion questions, and an
 * improvement table prefilled with every missed or late action for the hot wash to complete.
 *
 * @example
 * afterActionReport(scenario, [{ at: 95_000, type: 'tick', itemId: 'restart-declare', checked: true, actor: 'ic' }], { items })
 * // → '# After-action report: Restart loop on a full node\n\n| Scenario | restart-loop | …'
 */
export function afterActionReport(scenario: Scenario, events: readonly RehearsalEvent[], options: ReportOptions = {}): string {
	const sorted = [...events].sort((a, b) => a.at - b.at);
	const end = options.endedAt ?? sorted.find((e) => e.type === 'end')?.at ?? sorted.at(-1)?.at ?? 0;
	const items = options.items ?? [];
	const textOf = (id: string) => items.find((i) => i.id === id)?.text ?? id;
	const results = actionResults(scenario, sorted, items);
	const fired = firedInjects(scenario, end);
	const firstInject = fired[0]?.inject.at ?? 0;
	const done = results.filter((r) => r.doneAt !== null);
	const onTime = results.filter((r) => r.result === 'on time');
	const out: string[] = [];

	out.push(`# After-action report: ${scenario.title}`, '');
	out.push('| | |', '| --- | --- |');
	out.push(`| Scenario | \`${scenario.id}\` |`);
	out.push(`| Runbook | [${scenario.runbook}](${scenario.runbook}) |`);
	if (options.startedAt) out.push(`| Started | ${options.startedAt.toISOString()} |`);
	out.push(`| Duration | ${duration(end)} (planned ${scenario.durationMinutes} min) |`);
	out.push(`| Injects delivered | ${fired.length} of ${scenario.injects.length} |`);
	out.push(`| Expected actions | ${done.length} of ${results.length} done, ${onTime.length} on time |`, '');

	out.push('## Timeline', '', '| Time | Event | By |', '| --- | --- | --- |');
	const rows: Array<{ at: number; order: number; text: string; by: string }> = fired.map(({ inject }, i) => ({
		at: inject.at * 1000,
		order: i,
		text: inject.check
			? `Inject: \`${inject.check}\`${inject.region ? ` in ${inject.region}` : ''} turns **${inject.status}**: ${renderMessage(inject.message, { region: inject.region ?? null, ...(inject.observed ?? {}) })}`
			: `Inject${inject.channel ? ` (${inject.channel})` : ''}: ${inject.message}`,
		by: 'facilitator',
	}));
	sorted.forEach((e, i) => {
		const order = fired.length + i;
		const by = e.actor ?? '';
		if (e.type === 'check') rows.push({ at: e.at, order, by, text: `Ran \`${e.checkId}\`${e.region ? ` in ${e.region}` : ''}: ${e.status}` });
		else if (e.type === 'tick') rows.push({ at: e.at, order, by, text: `${e.checked ? 'Ticked' : 'Unticked'}: ${textOf(e.itemId)} (\`${e.itemId}\`)` });
		else if (e.type === 'field') rows.push({ at: e.at, order, by, text: `Recorded ${e.name} = ${e.value} (\`${e.itemId}\`)` });
		else if (e.type === 'decision') rows.push({ at: e.at, order, by, text: `Decision: ${e.text}` });
		else if (e.type === 'note') rows.push({ at: e.at, order, by, text: `Note: ${e.text}` });
		else rows.push({ at: e.at, order, by, text: 'Rehearsal ended' });
	});
	rows.sort((a, b) => a.at - b.at || a.order - b.order);
	for (const r of rows) out.push(`| ${clock(r.at)} | ${cell(r.text)} | ${cell(r.by)} |`);
	out.push('');

	out.push('## Time to each expected action', '', `Times are from the start of the rehearsal; the first inject came at ${clock(firstInject * 1000)}.`, '');
	out.push('| Expected action | Target | Done at | After the first inject | Result |', '| --- | --- | --- | --- | --- |');
	for (const r of results) {
		out.push(`| ${cell(r.text)} (\`${r.item}\`) | ${r.by === null ? '—' : formatOffset(r.by)} | ${r.doneAt === null ? '—' : clock(r.doneAt)} | ${r.doneAt === null ? '—' : duration(Math.max(0, r.doneAt - firstInject * 1000))} | ${r.result} |`);
	}
	out.push('');

	out.push('## Missed actions', '');
	const missed = results.filter((r) => r.result === 'missed');
	if (missed.length === 0) out.push('None: every expected action was taken.');
	for (const r of missed) out.push(`- ${r.text} (\`${r.item}\`)${r.by === null ? '' : `, expected by ${formatOffset(r.by)}`}`);
	out.push('');

	out.push('## Discussion questions', '');
	scenario.discussionQuestions.forEach((q, i) => out.push(`${i + 1}. ${q}`));
	out.push('');

	out.push('## Improvement plan', '', 'Fill in the corrective action, owner and due date in the hot wash; add a row for every other gap found.', '');
	out.push('| Issue | Corrective action | Owner | Due |', '| --- | --- | --- | --- |');
	const issues = [
		...missed.map((r) => `Missed: ${r.text} (\`${r.item}\`)`),
		...results.filter((r) => r.result === 'late').map((r) => `Late by ${duration(r.doneAt! - r.by! * 1000)}: ${r.text} (\`${r.item}\`)`),
	];
	for (const issue of issues) out.push(`| ${cell(issue)} | | | |`);
	if (issues.length === 0) out.push('| (none from the timings) | | | |');
	out.push('');
	return out.join('\n');
}
