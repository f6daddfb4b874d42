import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CadenceConfig } from '../checks/config.ts';
import { docsDir, fileForPath } from '../checklists/registry.ts';
import { workshopCalendar } from '../records/calendar.ts';
import { parseMonth, workshopSlot } from '../records/cadence.ts';
import { workshopPeaks } from '../records/peaks.ts';
import { validateRetroPage, type Retro } from '../records/retro.ts';
import { issueDrafts, issuesGh, issuesMarkdown } from '../records/retro-issues.ts';
import { fieldTime, renderRetroPage, scaffoldRetro, type LoopRecord, type RetroSources } from '../records/scaffold.ts';
import type { RetroField } from '../records/retro-sources.ts';
import { readTemplateSections } from '../records/template-sections.ts';
import type { App } from '../server/app.ts';
import type { Run } from '../store/store.ts';
import { HANDBOOK_SITE } from '../site.ts';
import { UsageError } from './checks.ts';

const retroComponent = fileURLToPath(new URL('../components/records/RetroRecord.astro', import.meta.url));

/** What the workshop loop stored for a workshop: incidents, help requests, feedback. */
async function loopRecord(app: App, workshop: string): Promise<LoopRecord> {
	const w = app.workshops;
	return {
		summary: await w.summary(workshop),
		incidents: await w.records.incidents(workshop),
		help: await w.records.helpRequests(workshop),
		feedback: await w.records.feedback(workshop),
		opened: (await w.records.code(workshop)) !== null,
		pageExists: (path) => fileForPath(path) !== null,
	};
}

function monthArg(positionals: string[], command: string): string {
	if (positionals.length !== 1) throw new UsageError(`name one workshop, by its month key: handbook retro ${command} 2026-12`);
	const workshop = positionals[0]!;
	try {
		parseMonth(workshop);
	} catch {
		throw new UsageError(`a workshop is named by its month key, e.g. "2026-12" (the --workshop of its checklist runs), not "${workshop}"`);
	}
	return workshop;
}

/** The run of a checklist for a workshop that counts: the latest signed-off one, else the latest. */
async function pickRun(app: App, checklist: string, workshop: string): Promise<Run | null> {
	const runs = await app.store.listRuns({ checklist, workshop, limit: 100 });
	return runs.find((r) => r.signedOffAt) ?? runs[0] ?? null;
}

function instant(value: string | undefined, flag: string): Date | undefined {
	if (value === undefined) return undefined;
	const d = new Date(value);
	if (Number.isNaN(d.getTime())) throw new UsageError(`${flag} is an ISO date-time such as 2026-12-01T16:00:00Z, not "${value}"`);
	return d;
}

/** The import specifier of the retrospective component from a page at `file`. */
function importFrom(file: string): string {
	const rel = relative(dirname(file), retroComponent).split(sep).join('/');
	return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * `handbook retro new <workshop>`: writes the workshop's retrospective page, prefilled from the
 * stored runs (pre-workshop, T-1, workshop day) and, where the environment has Prometheus, the
 * peaks over the workshop window. The window is `--from`/`--to`, else the times recorded on the
 * workshop-day board, else the configured workshop window of that month, else the cadence's.
 */
export async function retroNew(app: App, argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		options: { env: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean', default: false }, from: { type: 'string' }, to: { type: 'string' }, 'no-prometheus': { type: 'boolean', default: false } },
		allowPositionals: true,
	});
	const workshop = monthArg(positionals, 'new');
	const file = resolve(values.out ?? resolve(docsDir(), 'records/retros', `${workshop}.mdx`));
	if (existsSync(file) && !values.force) throw new UsageError(`${file} exists already; edit it, or pass --force to write it again from the store`);

	const cadence: CadenceConfig = app.engine.handbook.cadence;
	const pre = await pickRun(app, 'pre-workshop', workshop);
	const tMinus1 = await pickRun(app, 't-minus-1', workshop);
	const day = await pickRun(app, 'workshop-day', workshop);
	let envId = values.env ?? pre?.environment ?? day?.environment;
	let env;
	try {
		env = app.engine.environment(envId);
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
	envId = env.id;
	const dayRecord = day ? await app.store.record(day.id) : null;

	// The window the peaks are read over.
	const slot = workshopSlot(workshop, cadence);
	const from = instant(values.from, '--from');
	const to = instant(values.to, '--to');
	const dayField = (name: RetroField<'workshop-day'>) => dayRecord?.fields.find((f) => f.name === name)?.value ?? null;
	const doors = fieldTime(dayField('doors-opened-at'), cadence.timezone);
	const ended = fieldTime(dayField('session-ended-at'), cadence.timezone);
	const configured = env.workshop.window && env.workshop.window.start.startsWith(workshop) ? env.workshop.window : undefined;
	let window: RetroSources['window'];
	if (from || to) window = { start: from ?? slot.start, end: to ?? new Date((from ?? slot.start).getTime() + cadence.durationMinutes * 60_000), source: '--from/--to' };
	else if (doors && ended && ended > doors) window = { start: doors, end: ended, source: `workshop-day run ${day!.id} (doors opened to session ended)` };
	else if (configured) window = { start: new Date(configured.start), end: new Date(configured.end), source: `workshop.window of ${envId} in the config` };
	else window = { start: slot.start, end: slot.end, source: `the cadence (${cadence.rule}, ${cadence.time} ${cadence.timezone}, ${cadence.durationMinutes} min)` };
	if (window.end <= window.start) throw new UsageError('the workshop window must end after it starts');

	const wantPeaks = !values['no-prometheus'] && env.prometheus;
	const peaks = wantPeaks ? await workshopPeaks(env, window.start, window.end) : null;
	const scaffold = scaffoldRetro({
		workshop,
		environment: envId,
		cadence,
		preWorkshop: pre ? await app.store.record(pre.id) : null,
		tMinus1: tMinus1 ? await app.store.record(tMinus1.id) : null,
		workshopDay: dayRecord ? { record: dayRecord, history: await app.store.runResults(day!.id) } : null,
		window,
		peaks,
		loop: await loopRecord(app, workshop),
	});
	const page = app.engine.redactor.text(renderRetroPage(scaffold, importFrom(file), readTemplateSections()));
	validateRetroPage(page, file);
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(file, page);

	if (!pre) err(`No pre-workshop run is stored for ${workshop}: its decision, blockers and duration are left to fill.`);
	else if (!pre.signedOffAt) err(`The pre-workshop run ${pre.id} of ${workshop} was never signed off: its duration is left to fill.`);
	if (!env.prometheus) err(`${envId} has no Prometheus: the peaks are left to fill.`);
	for (const e of scaffold.facts.peakErrors) err(`Prometheus: ${e}`);
	out(`Wrote ${relative(process.cwd(), file) || file}`);
	out(`  workshop window ${window.start.toISOString()} to ${window.end.toISOString()} (${window.source})`);
	out(`  ${scaffold.toFill.length} values to fill: ${scaffold.toFill.join(', ')}`);
	return 0;
}

/**
 * `handbook retro issues <month>`: a GitHub-issue-ready block (title, body with links back to the
 * handbook, labels) for each open action item of the retrospective without an issue, each
 * incident and each help request marked for follow-up. Offline: it prints, the team files.
 * `--format markdown` (default), `json`, or `gh` (one `gh issue create` per issue).
 */
export async function retroIssues(app: App, argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
	const { values, positionals } = parseArgs({ args: argv, options: { format: { type: 'string', default: 'markdown' }, site: { type: 'string' }, page: { type: 'string' } }, allowPositionals: true });
	const workshop = monthArg(positionals, 'issues');
	if (!['markdown', 'json', 'gh'].includes(values.format!)) throw new UsageError(`--format is markdown, json or gh, not "${values.format}"`);
	let site = values.site ?? process.env.HANDBOOK_SITE_URL ?? HANDBOOK_SITE;
	try {
		site = new URL(site).href;
	} catch {
		throw new UsageError(`--site is the handbook's URL, e.g. ${HANDBOOK_SITE}, not "${site}"`);
	}
	const file = resolve(values.page ?? resolve(docsDir(), 'records/retros', `${workshop}.mdx`));
	let retro: Retro | null = null;
	if (existsSync(file)) retro = validateRetroPage(readFileSync(file, 'utf8'), file);
	else err(`No retrospective page at ${relative(process.cwd(), file) || file}: its action items are not included (write it with \`handbook retro new ${workshop}\`).`);
	const drafts = issueDrafts({ workshop, site, retro, incidents: await app.workshops.records.incidents(workshop), help: await app.workshops.records.helpRequests(workshop) });
	const text = values.format === 'json' ? JSON.stringify(drafts, null, 2) : values.format === 'gh' ? issuesGh(drafts) : issuesMarkdown(drafts);
	out(app.engine.redactor.text(text));
	err(`${drafts.length} issue(s) for ${workshop}.`);
	return 0;
}

/** `handbook calendar [--months N]`: the monthly workshops and their timeline as iCalendar; `write` gets the text unchanged. */
export function calendar(cadence: CadenceConfig, argv: string[], write: (s: string) => void): number {
	const { values } = parseArgs({ args: argv, options: { months: { type: 'string', default: '6' }, from: { type: 'string' }, site: { type: 'string' } }, allowPositionals: false });
	const months = Number(values.months);
	if (!Number.isInteger(months) || months < 1 || months > 36) throw new UsageError('--months is a whole number from 1 to 36');
	const from = values.from === undefined ? new Date() : new Date(values.from.length === 7 ? `${values.from}-01T12:00:00Z` : values.from);
	if (Number.isNaN(from.getTime())) throw new UsageError(`--from is a month (2026-12) or a date, not "${values.from}"`);
	let site = values.site ?? process.env.HANDBOOK_SITE_URL ?? HANDBOOK_SITE;
	try {
		site = new URL(site).href;
	} catch {
		throw new UsageError(`--site is the handbook's URL, e.g. ${HANDBOOK_SITE}, not "${site}"`);
	}
	// ical-generator ends lines with CRLF, as RFC 5545 requires: written unchanged.
	write(workshopCalendar({ cadence, months, from, site }));
	return 0;
}
