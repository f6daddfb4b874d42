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
	/**
	 * Now, in ms after the start, for a rehearsal still under way (no `end` event): actions not yet
	 * due are pending rather than missed, and only the injects fired by now are listed.
	 */
	now?: number;
}

/** An expected action and how the team did on it. */
export interface ActionResult {
	item: string;
	text: string;
	/** Target, seconds after the start; null when the scenario sets none. */
	by: number | null;
	/** When it was done, ms after the start; null when it was not (or was undone). */
	doneAt: number | null;
	/** When the action became meaningful, ms after the start: the first inject it answers. */
	meaningfulAt: number;
	/** When it was done before that, which does not count (e.g. a "Run all" at +0:01); else null. */
	earlyAt: number | null;
	/** `pending`: not done yet, and the rehearsal still runs and the target has not passed. */
	result: 'on time' | 'late' | 'done' | 'missed' | 'pending';
}

/** Where a rehearsal stands: still under way at `elapsed` ms, or ended then. */
export interface RehearsalClock {
	elapsed: number;
	ended: boolean;
}

/**
 * When an expected action starts to mean something, in ms after the start: the first inject on
 * the check its item binds (running it before that only sees the healthy state), else the first
 * inject of the scenario (the incident has not begun before it).
 *
 * @example
 * meaningfulAt(scenario, 'provisioner-queue') // → 180_000 when its first inject is at +3m
 */
export function meaningfulAt(scenario: Scenario, checkId: string | null): number {
	const ats = (checkId ? scenario.injects.filter((i) => i.check === checkId) : []).map((i) => i.at);
	const all = scenario.injects.map((i) => i.at);
	return Math.min(...(ats.length ? ats : all)) * 1000;
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
 * untick undoes it), recording its field or, for an item bound to a check, running that check;
 * only what happens once the action is meaningful counts (see `meaningfulAt`). While the
 * rehearsal runs (`clock.ended` false), an action not done whose target has not passed is
 * `pending`, not `missed`.
 *
 * @example
 * actionResults(scenario, [{ at: 1000, type: 'check', checkId: 'provisioner-queue', region: null, status: 'pass' }], items, { elapsed: 2000, ended: false })
 * // → [{ item: 'provisioner-queue', doneAt: null, earlyAt: 1000, result: 'pending', … }]
 */
export function actionResults(scenario: Scenario, events: readonly RehearsalEvent[], items: readonly ChecklistItem[] = [], clock: RehearsalClock = { elapsed: Infinity, ended: true }): ActionResult[] {
	const sorted = [...events].sort((a, b) => a.at - b.at);
	return scenario.expectedActions.map(({ item, by }) => {
		const found = items.find((i) => i.id === item);
		// Without the runbook's items, an item id that is a scripted check's id is bound to it (ids default to the check id).
		const checkId = found ? found.checkId : scenario.injects.some((i) => i.check === item) ? item : null;
		const from = meaningfulAt(scenario, checkId);
		let doneAt: number | null = null;
		let earlyAt: number | null = null;
		for (const e of sorted) {
			const counts = e.at >= from;
			if (e.type === 'tick' && e.itemId === item) {
				if (!e.checked) doneAt = null;
				else if (counts) doneAt ??= e.at;
				else earlyAt ??= e.at;
			} else if ((e.type === 'field' && e.itemId === item && e.value.trim() !== '') || (e.type === 'check' && checkId && e.checkId === checkId)) {
				if (counts) doneAt ??= e.at;
				else earlyAt ??= e.at;
			}
		}
		const due = by === null || clock.ended ? clock.ended : clock.elapsed > by * 1000;
		const result: ActionResult['result'] = doneAt === null ? (due ? 'missed' : 'pending') : by === null ? 'done' : doneAt <= by * 1000 ? 'on time' : 'late';
		return { item, text: found?.text ?? item, by, doneAt, meaningfulAt: from, earlyAt: doneAt === null ? earlyAt : null, result };
	});
}

/** Who delivers an inject in the report: the scenario (and its channel), never a person. */
function injectSource(scenario: Scenario, inject: Inject): string {
	return `scenario ${scenario.id}${inject.channel ? ` (${inject.channel})` : inject.check ? ' (scripted check)' : ''}`;
}

/** What an inject says, as one line of Markdown (or of plain text, for the rehearsal banner). */
export function injectText(inject: Inject, format: 'markdown' | 'text' = 'markdown'): string {
	const [code, strong] = format === 'markdown' ? ['`', '**'] : ['', ''];
	return inject.check
		? `Inject: ${code}${inject.check}${code}${inject.region ? ` in ${inject.region}` : ''} turns ${strong}${inject.status}${strong}: ${renderMessage(inject.message, { region: inject.region ?? null, ...(inject.observed ?? {}) })}`
		: `Inject${inject.channel ? ` (${inject.channel})` : ''}: ${inject.message}`;
}

/** Where a rehearsal stands, for the banner every reader of the run sees: the clock and the injects so far, never the ones to come. */
export interface RehearsalStatus {
	scenario: { id: string; title: string; runbook: string; durationMinutes: number };
	elapsedMs: number;
	ended: boolean;
	injects: Array<{ at: number; clock: string; text: string }>;
	injectsTotal: number;
}

/**
 * The rehearsal's state `elapsedMs` after its start: the injects fired so far, as plain text.
 *
 * @example
 * rehearsalStatus(scenario, 150_000, false).injects.map((i) => i.clock) // → ['+00:00', '+02:00']
 */
export function rehearsalStatus(scenario: Scenario, elapsedMs: number, ended: boolean): RehearsalStatus {
	return {
		scenario: { id: scenario.id, title: scenario.title, runbook: scenario.runbook, durationMinutes: scenario.durationMinutes },
		elapsedMs: Math.max(0, elapsedMs),
		ended,
		injects: firedInjects(scenario, elapsedMs).map(({ inject }) => ({ at: inject.at * 1000, clock: clock(inject.at * 1000), text: injectText(inject, 'text') })),
		injectsTotal: scenario.injects.length,
	};
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
	const endEvent = sorted.find((e) => e.type === 'end')?.at;
	const ended = endEvent !== undefined || options.endedAt !== undefined || options.now === undefined;
	const end = options.endedAt ?? endEvent ?? options.now ?? sorted.at(-1)?.at ?? 0;
	const items = options.items ?? [];
	const textOf = (id: string) => items.find((i) => i.id === id)?.text ?? id;
	const results = actionResults(scenario, sorted, items, { elapsed: end, ended });
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
	out.push(ended ? `| Duration | ${duration(end)} (planned ${scenario.durationMinutes} min) |` : `| Elapsed | ${duration(end)} of ${scenario.durationMinutes} min planned: still under way |`);
	out.push(`| Injects delivered | ${fired.length} of ${scenario.injects.length} |`);
	const pending = results.filter((r) => r.result === 'pending');
	out.push(`| Expected actions | ${done.length} of ${results.length} done, ${onTime.length} on time${pending.length ? `, ${pending.length} pending` : ''} |`, '');

	out.push('## Timeline', '', '| Time | Event | By |', '| --- | --- | --- |');
	const rows: Array<{ at: number; order: number; text: string; by: string }> = fired.map(({ inject }, i) => ({
		at: inject.at * 1000,
		order: i,
		text: injectText(inject),
		by: injectSource(scenario, inject),
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
		const early = r.earlyAt === null ? '' : ` (at ${clock(r.earlyAt)}, before its inject at ${clock(r.meaningfulAt)}: not counted)`;
		out.push(`| ${cell(r.text)} (\`${r.item}\`) | ${r.by === null ? '—' : formatOffset(r.by)} | ${r.doneAt === null ? '—' : clock(r.doneAt)} | ${r.doneAt === null ? '—' : duration(Math.max(0, r.doneAt - firstInject * 1000))} | ${r.result}${early} |`);
	}
	out.push('');

	out.push('## Missed actions', '');
	const missed = results.filter((r) => r.result === 'missed');
	if (missed.length === 0) out.push(pending.length ? 'None so far.' : 'None: every expected action was taken.');
	for (const r of missed) out.push(`- ${r.text} (\`${r.item}\`)${r.by === null ? '' : `, expected by ${formatOffset(r.by)}`}`);
	out.push('');
	if (pending.length) {
		out.push('## Pending actions', '', 'Not due yet: the rehearsal is still under way.', '');
		for (const r of pending) out.push(`- ${r.text} (\`${r.item}\`)${r.by === null ? '' : `, due by ${formatOffset(r.by)}`}`);
		out.push('');
	}

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
