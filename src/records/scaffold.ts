import { Document, isScalar } from 'yaml';
import type { CadenceConfig } from '../checks/config.ts';
import type { RunRecord, StoredResult } from '../store/store.ts';
import type { FeedbackResponse, HelpRequest, Incident } from '../store/workshop-store.ts';
import { dayIn, monthKey, parseMonth, workshopSlot, zonedTime } from './cadence.ts';
import { metricById, metrics, type MetricId } from './metrics.ts';
import type { Peaks } from './peaks.ts';
import { TO_FILL, validateRetro, type RetroInput } from './retro.ts';
import type { RetroCheck, RetroField } from './retro-sources.ts';
import { quoteText, textList } from './mdx-text.ts';
import { toFillFromTemplate, type TemplateSection } from './template-sections.ts';
import { helpMinutes, type WorkshopSummary } from './workshop-summary.ts';

/**
 * Turns what the store knows about a workshop into a retrospective page: the pre-workshop run's
 * decision, blockers and duration, the values recorded on the day, the Prometheus peaks, and
 * explicit "to fill" fields for everything else. Pure: the CLI gathers the inputs.
 */

/** Everything `handbook retro new` found about one workshop. */
export interface RetroSources {
	workshop: string;
	environment: string;
	cadence: CadenceConfig;
	/** The pre-workshop (T-2) run: the latest signed-off one, else the latest. */
	preWorkshop: RunRecord | null;
	/** The T-1 run, for the roles named there. */
	tMinus1: RunRecord | null;
	/** The workshop-day run and every result it stored (not only the latest). */
	workshopDay: { record: RunRecord; history: StoredResult[] } | null;
	window: { start: Date; end: Date; source: string };
	peaks: Peaks | null;
	/** What the workshop loop recorded on the day: incidents, help requests, feedback. */
	loop?: LoopRecord | null;
}

/** The workshop loop's records of one workshop, as `handbook retro new` reads them from the store. */
export interface LoopRecord {
	summary: WorkshopSummary;
	incidents: Incident[];
	help: HelpRequest[];
	feedback: FeedbackResponse[];
	/** A code was issued: participants could write, so zero help requests or incidents is a fact, not a gap. */
	opened: boolean;
	/** Whether a handbook page exists (runbook links are written only to pages that do). */
	pageExists: (path: string) => boolean;
}

export interface RetroScaffold {
	retro: RetroInput;
	/** YAML comments by field path ("metrics.attended"): where a value came from, or what to fill. */
	notes: Map<string, string>;
	/** Fields left to fill, by path. */
	toFill: string[];
	/** Facts for the page body. */
	facts: { notGreen: string[]; blockersText: string | null; incidentsText: string | null; peakErrors: string[]; loop: LoopRecord | null };
}

const field = (record: RunRecord | null | undefined, name: RetroField): string | null => {
	const v = record?.fields.find((f) => f.name === name)?.value?.trim();
	return v ? v : null;
};

const numberField = (record: RunRecord | null | undefined, name: RetroField): number | null => {
	const v = field(record, name);
	if (v === null) return null;
	const n = Number(v.replace(/[%\s]/g, ''));
	return Number.isFinite(n) && n >= 0 ? n : null;
};

/** A datetime field: with an offset as given, without one in the cadence's time zone (the widget records local time). */
export function fieldTime(value: string | null, timeZone: string): Date | null {
	if (!value) return null;
	if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(value)) {
		const d = new Date(value);
		return Number.isNaN(d.getTime()) ? null : d;
	}
	const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(value);
	return m ? zonedTime(m[1]!, m[2]!, timeZone) : null;
}

const minutesBetween = (a: Date | string, b: Date | string) => Math.round(((new Date(b).getTime() - new Date(a).getTime()) / 60_000) * 10) / 10;

function asCount(id: MetricId, v: number | null): number | null {
	if (v === null) return null;
	return metricById.get(id)!.kind === 'count' ? Math.round(v) : Math.round(v * 10) / 10;
}

/**
 * The retrospective of one workshop, prefilled from the sources; validated against the schema,
 * so what `renderRetroPage` writes always builds.
 *
 * @example
 * scaffoldRetro({ workshop: '2026-12', preWorkshop: record, … }).retro.preWorkshop.decision // → 'go'
 */
export function scaffoldRetro(src: RetroSources): RetroScaffold {
	const notes = new Map<string, string>();
	const values: Partial<Record<MetricId, number | null>> = {};
	const set = (id: MetricId, value: number | null, from: string) => {
		if (values[id] !== undefined && values[id] !== null) return;
		values[id] = asCount(id, value);
		if (values[id] !== null) notes.set(`metrics.${id}`, ` ${from}`);
	};
	const pre = src.preWorkshop;
	const day = src.workshopDay?.record ?? null;

	// The pre-workshop run: decision, blockers (checks not green at sign-off), duration start → sign-off.
	const notGreen = (pre?.results ?? []).filter((r) => r.status !== 'pass' && r.status !== 'skipped').map((r) => `${r.checkId}${r.region ? ` [${r.region}]` : ''}: ${r.status}${r.message ? ` (${r.message.length > 160 ? `${r.message.slice(0, 157)}…` : r.message})` : ''}`);
	if (pre) {
		const failing = new Set(pre.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.checkId));
		set('blockers', failing.size, `from run ${pre.run.id}: checks failing or in error at ${pre.run.signedOffAt ? 'sign-off' : 'the last result'}`);
		if (pre.run.signedOffAt) set('checklistMinutes', minutesBetween(pre.run.createdAt, pre.run.signedOffAt), `from run ${pre.run.id}: started ${pre.run.createdAt}, signed off ${pre.run.signedOffAt}`);
	}

	// Prometheus over the window, then what the team recorded on the day, then the day's check results.
	for (const [id, v] of Object.entries(src.peaks?.values ?? {}) as Array<[MetricId, number | null]>) {
		set(id, v, `from Prometheus over the workshop window: ${src.peaks!.queries[id]}`);
	}
	const dayFields: Array<[MetricId, RetroField<'workshop-day'>]> = [
		['attended', 'attendance'],
		['peakConcurrentWorkspaces', 'peak-concurrent-workspaces'],
		['averageConcurrentWorkspaces', 'average-concurrent-workspaces'],
		['peakStoragePercent', 'peak-storage'],
		['peakCpuPercent', 'peak-cpu'],
		['peakMemoryPercent', 'peak-memory'],
		['manualInterventions', 'manual-interventions'],
	];
	for (const [id, name] of dayFields) set(id, numberField(day, name), `recorded on the workshop-day board (${name}, run ${day?.run.id})`);
	const doors = fieldTime(field(day, 'doors-opened-at'), src.cadence.timezone);
	const ended = fieldTime(field(day, 'session-ended-at'), src.cadence.timezone);
	if (doors && ended && ended > doors) set('durationMinutes', minutesBetween(doors, ended), `doors opened to session ended, recorded on the workshop-day board (run ${day?.run.id})`);
	const history = src.workshopDay?.history ?? [];
	const maxObserved = (checkId: RetroCheck<'workshop-day'>, key: string) => {
		const vs = history.filter((r) => r.checkId === checkId && r.status !== 'error').map((r) => r.observed[key]).filter((v): v is number => typeof v === 'number');
		return vs.length ? Math.max(...vs) : null;
	};
	set('peakConcurrentWorkspaces', maxObserved('concurrent-workspaces', 'value'), `highest reading of the concurrent-workspaces check on the day (run ${day?.run.id})`);
	set('peakStoragePercent', maxObserved('node-ephemeral-storage', 'maxUsedPercent'), `highest reading of the node-ephemeral-storage check on the day (run ${day?.run.id})`);

	// The workshop loop: the incident log, the help requests and the in-room feedback.
	const loop = src.loop ?? null;
	let incidentCounts: RetroInput['incidents'] = { P0: null, P1: null, P2: null, P3: null };
	if (loop) {
		const { incidents, help, feedback } = loop.summary;
		if (loop.opened || incidents.total) {
			incidentCounts = { ...incidents.bySeverity };
			set('userVisibleIncidents', incidents.userVisible, `from the incident log: ${incidents.total} incident(s), P0-P2 (or marked so) count as user-visible`);
		}
		if (incidents.longestMinutes !== null) set('longestIncidentResolutionMinutes', incidents.longestMinutes, `from the incident log: declared to resolved${incidents.open ? ` (${incidents.open} still open, not counted)` : ''}`);
		if (feedback.responses) {
			const from = `from ${feedback.responses} in-room feedback response(s)`;
			set('feedbackResponses', feedback.responses, from);
			set('satisfaction', feedback.satisfaction, `${from}: the average`);
			set('stabilityScore', feedback.subScores.stability, `${from}: the average`);
			set('contentScore', feedback.subScores.content, `${from}: the average`);
			set('supportScore', feedback.subScores.support, `${from}: the average`);
			set('completionPercent', feedback.completion, `${from}: finished the exercise, among those who answered (replace it with finished ÷ attended if you counted)`);
		}
		if (loop.opened || help.requests) {
			set('helpRequests', help.requests, "from the participants' help requests");
			set('helpMedianMinutes', help.medianMinutes, `from the ${help.resolved} resolved help request(s): sent to resolved`);
			set('helpP90Minutes', help.p90Minutes, `from the ${help.resolved} resolved help request(s): sent to resolved`);
		}
	}

	const retroMetrics = Object.fromEntries(metrics.map((m) => [m.id, values[m.id] ?? null]));
	for (const m of metrics) if (retroMetrics[m.id] === null) notes.set(`metrics.${m.id}`, ` ${TO_FILL}: ${m.source}`);

	const { year, month } = parseMonth(src.workshop);
	const next = workshopSlot(monthKey(year, month + 1), src.cadence);
	const scribe = field(src.tMinus1, 'scribe');
	const retro: RetroInput = {
		workshop: src.workshop,
		example: false,
		status: 'draft',
		date: dayIn(src.window.start, src.cadence.timezone),
		environment: src.environment,
		facilitator: null,
		scribe,
		window: { start: src.window.start.toISOString(), end: src.window.end.toISOString(), source: src.window.source },
		preWorkshop: {
			run: pre?.run.id ?? null,
			decision: pre?.run.decision ?? null,
			decisionNote: pre?.run.decisionNote ?? null,
			signedOffBy: pre?.run.signedOffBy ?? null,
			signedOffAt: pre?.run.signedOffAt ?? null,
			notGreen,
		},
		metrics: retroMetrics,
		incidents: incidentCounts,
		targets: {},
		actions: [],
		next: { date: next.day, facilitator: null, expectedParticipants: null },
	};
	notes.set('facilitator', ` ${TO_FILL}: who facilitated`);
	if (scribe) notes.set('scribe', ` from the T-1 run ${src.tMinus1!.run.id}`);
	else notes.set('scribe', ` ${TO_FILL}: who wrote the log`);
	if (!pre) notes.set('preWorkshop.run', ` ${TO_FILL}: no pre-workshop run is stored for ${src.workshop}`);
	else if (!pre.run.signedOffAt) notes.set('preWorkshop.signedOffAt', ` ${TO_FILL}: run ${pre.run.id} was never signed off`);
	const incidentsText = field(day, 'incidents-summary');
	for (const sev of ['P0', 'P1', 'P2', 'P3'] as const) {
		if (incidentCounts[sev] === null) notes.set(`incidents.${sev}`, ` ${TO_FILL}: from the incident log${incidentsText ? ' (see the day notes in "What went wrong")' : ''}`);
		else notes.set(`incidents.${sev}`, ' from the incident log');
	}
	notes.set('next.date', ' by the cadence rule; move it within the same week for a holiday or a clash');
	notes.set('next.facilitator', ` ${TO_FILL}`);
	notes.set('next.expectedParticipants', ` ${TO_FILL}: starts the next capacity plan`);

	// Validate now, so a scaffold that would not build is a bug here, not a broken site.
	const parsed = validateRetro(retro, `retrospective ${src.workshop}`);
	const toFill = [
		...(['facilitator', 'scribe'] as const).filter((k) => parsed[k] === null),
		...metrics.filter((m) => parsed.metrics[m.id] === null).map((m) => `metrics.${m.id}`),
		...(['P0', 'P1', 'P2', 'P3'] as const).filter((s) => parsed.incidents[s] === null).map((s) => `incidents.${s}`),
	];
	return { retro, notes, toFill, facts: { notGreen, blockersText: field(pre, 'blockers'), incidentsText, peakErrors: src.peaks?.errors ?? [], loop } };
}

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2026-12" → "December 2026". */
export function monthTitle(workshop: string): string {
	const { year, month } = parseMonth(workshop);
	return `${monthNames[month - 1]} ${year}`;
}

const toFillLine = (what: string) => `**To fill:** ${what}`;

/** A participant's words, as given, as a block quote that MDX renders as plain text (see `literal`). */
export function asGiven(text: string): string {
	return text
		.split(/\r?\n/)
		.map((l) => `> ${literal(l)}`)
		.join('\n');
}

/**
 * One line of someone's text as a JSX string expression: MDX shows it as text, with no Markdown,
 * HTML or autolink processing at all. Braces are \u-escaped because MDX finds an expression's
 * end by counting them.
 */
function literal(line: string): string {
	return `{${JSON.stringify(line).replace(/[{}]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}}`;
}

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;
const minutesText = (m: number | null) => (m === null ? 'still open' : `${m} min`);

/** The incident log and the help requests, for "What went wrong". */
function loopWrong(loop: LoopRecord): string[] {
	const parts: string[] = [];
	const { incidents, help } = loop.summary;
	if (loop.incidents.length) {
		const lines = loop.incidents.map((i) => {
			const link = i.runbook && loop.pageExists(i.runbook) ? `, [runbook](${i.runbook})` : '';
			const title = literal(i.title);
			return `- **${i.severity}** ${title}: declared ${hhmm(i.declaredAt)}${i.resolvedAt ? `, resolved ${hhmm(i.resolvedAt)}` : ''}, ${minutesText(i.durationMinutes)}${i.commander ? `, IC ${literal(i.commander)}` : ''}${i.userVisible ? ', user-visible' : ''}${link} (incident \`${i.id}\`)`;
		});
		parts.push(`Incidents from the incident log (${incidents.total}: ${(['P0', 'P1', 'P2', 'P3'] as const).map((s) => `${incidents.bySeverity[s]} ${s}`).join(', ')}):\n\n${lines.join('\n')}`);
	} else if (loop.opened) parts.push('The incident log has no incident for this workshop.');
	if (loop.help.length) {
		const byRegion = new Map<string, number>();
		for (const h of loop.help) byRegion.set(h.region, (byRegion.get(h.region) ?? 0) + 1);
		const lines = loop.help.map((h) => `- sent ${hhmm(h.createdAt)} from ${literal(h.region)}, ${h.resolvedAt ? `resolved in ${helpMinutes(h)} min` : 'never resolved'}${h.followUp ? ', needs a follow-up' : ''}:\n\n${asGiven(h.description).replace(/^/gm, '  ')}`);
		parts.push(
			`Help requests: ${help.requests} sent, ${help.resolved} resolved; sent to resolved, median ${minutesText(help.medianMinutes)}, 90th percentile ${minutesText(help.p90Minutes)}. By region: ${[...byRegion].map(([r, n]) => `${literal(r)} ${n}`).join(', ')}. What participants reported, as they wrote it (names left out):\n\n${lines.join('\n')}`,
		);
	} else if (loop.opened) parts.push('No participant sent a help request.');
	return parts;
}

/** The feedback numbers and every free-text answer as given, grouped by question. */
function loopFeedback(loop: LoopRecord): string {
	const f = loop.summary.feedback;
	if (!f.responses) return '';
	const s = f.subScores;
	const answers = (pick: (r: FeedbackResponse) => string | null) => {
		const given = loop.feedback.map(pick).filter((t): t is string => !!t);
		return given.length ? given.map(asGiven).join('\n\n') : 'No answers.';
	};
	return `${f.responses} responses; satisfaction ${f.satisfaction} / 5 (platform stability ${s.stability ?? 'no answers'}, content ${s.content ?? 'no answers'}, support ${s.support ?? 'no answers'}); finished the exercise: ${f.completed} of ${f.responses} (${f.completion}%).

### What worked

Every answer, as given:

${answers((r) => r.worked)}

### What got in the way

Every answer, as given:

${answers((r) => r.blocked)}

`;
}

/** What the scaffold writes into a section of the template: its own part, and what to fill there. */
interface SectionPart {
	/** Components and facts from the runs, before the question. */
	before?: string;
	/** The question, when the template's guidance describes the paper form instead of this page; null: none. */
	fill?: string | null;
}

/**
 * The template's sections (by anchor) the scaffold adds to; every other section gets the
 * template's own guidance. Kept as data so a renamed section is an error here, not a part lost.
 */
export const scaffoldSections = ['workshop-summary', 'metrics', 'what-went-wrong', 'feedback', 'action-items', 'next-workshop'] as const;
type ScaffoldSection = (typeof scaffoldSections)[number];

function sectionParts(facts: RetroScaffold['facts']): Record<ScaffoldSection, SectionPart> {
	const wrong = [
		facts.notGreen.length ? `Checks that were not green in the pre-workshop run:\n\n${textList(facts.notGreen)}` : '',
		facts.blockersText ? `Blockers and accepted warnings written down at T-2:\n\n${quoteText(facts.blockersText)}` : '',
		facts.incidentsText ? `Incidents noted on the day (severity, minutes to resolve):\n\n${quoteText(facts.incidentsText)}` : '',
		...(facts.loop ? loopWrong(facts.loop) : []),
	].filter(Boolean);
	const feedback = facts.loop && facts.loop.summary.feedback.responses ? loopFeedback(facts.loop) : '';
	return {
		'workshop-summary': { before: '<RetroRecord part="summary" />', fill: toFillLine('two sentences: what we stressed, what broke, what participants felt.') },
		metrics: {
			before: `Each metric against its target, with last month's value and the trend. A metric that misses its
target becomes an action item. The values live in this page's frontmatter (\`retro.metrics\`);
a value still to fill is \`null\` there and shows as missing on the [trends page](/records/trends/).

<RetroRecord part="metrics" />`,
			fill: null,
		},
		'what-went-wrong': { before: wrong.join('\n\n') },
		feedback: {
			before: feedback.trimEnd(),
			fill: feedback ? toFillLine('the recurring themes in these answers, each with how many said it.') : toFillLine('the number of responses, the average satisfaction (also in `retro.metrics.satisfaction`), and the recurring themes.'),
		},
		'action-items': {
			before: `Every action has an owner, a due date, a horizon (\`next-workshop\`, \`this-quarter\`, \`later\`)
and a tracked issue; add them to \`retro.actions\` in the frontmatter. Open actions of earlier
workshops are listed on the [trends page](/records/trends/#open-action-items).

<RetroRecord part="actions" />`,
			fill: null,
		},
		'next-workshop': { before: '<RetroRecord part="next" />', fill: toFillLine('the changes for next month: checklist items, thresholds, targets, templates, agenda.') },
	};
}

/**
 * The MDX page of a scaffold: frontmatter with a comment on every prefilled or missing value,
 * then the retrospective template's sections in its order (read with `readTemplateSections`),
 * each with what the runs say about it and what is left to fill. Throws when the template lacks
 * a section the scaffold writes into.
 */
export function renderRetroPage(scaffold: RetroScaffold, componentImport: string, sections: readonly TemplateSection[]): string {
	const { retro, notes, facts } = scaffold;
	const doc = new Document({
		title: `Retrospective: ${monthTitle(retro.workshop)} workshop`,
		description: `The retrospective of the ${monthTitle(retro.workshop)} stress-test workshop: metrics against the targets, what happened, and the actions that follow.`,
		sidebar: { label: monthTitle(retro.workshop) },
		retro,
	});
	for (const [path, comment] of notes) {
		const node = doc.getIn(['retro', ...path.split('.')], true);
		if (isScalar(node)) node.comment = comment;
	}
	const missing = scaffoldSections.filter((slug) => !sections.some((s) => s.slug === slug));
	if (missing.length) throw new Error(`the retrospective template has no section${missing.length > 1 ? 's' : ''} ${missing.map((m) => `#${m}`).join(', ')}, which the scaffold writes into (src/records/scaffold.ts scaffoldSections): restore the heading or update the scaffold`);
	const parts: Partial<Record<string, SectionPart>> = sectionParts(facts);
	const body = sections.map((section) => {
		const part = parts[section.slug] ?? {};
		const fill = part.fill === undefined ? toFillFromTemplate(section) : part.fill;
		return [`## ${section.heading}`, part.before, fill].filter(Boolean).join('\n\n');
	});
	return `---
${doc.toString({ lineWidth: 0 }).trimEnd()}
---

import RetroRecord from ${JSON.stringify(componentImport)};

<RetroRecord part="notice" />

${body.join('\n\n')}
`;
}
