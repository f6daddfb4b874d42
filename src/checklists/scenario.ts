import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import type { Checklist } from './extract.ts';

const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const statuses = ['pass', 'warn', 'fail', 'error', 'skipped'] as const;

/**
 * Seconds from the start of a rehearsal: a number of seconds, or "+4m", "+90s", "+1m30s", "+1h".
 *
 * @example
 * parseOffset('+1m30s') // → 90
 */
export function parseOffset(at: string | number): number {
	if (typeof at === 'number') return at;
	const m = /^\+?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(at.trim());
	if (!m || at.trim().replace(/^\+/, '') === '') throw new Error(`"${at}" is not a time offset such as "+4m", "+90s" or "+1m30s"`);
	return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/**
 * An offset in seconds as it is written in a scenario: "+4m", "+1m30s", "+0m".
 *
 * @example
 * formatOffset(90) // → '+1m30s'
 */
export function formatOffset(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const rest = s % 60;
	return `+${h ? `${h}h` : ''}${m || (!h && !rest) ? `${m}m` : ''}${rest ? `${rest}s` : ''}`;
}

/** "+4m", "+90s", "+1m30s" or seconds, as seconds. */
export const offsetSchema = z.union([z.number().int().min(0), z.string()]).transform((at, ctx) => {
	try {
		return parseOffset(at);
	} catch (err) {
		ctx.addIssue({ code: 'custom', message: (err as Error).message });
		return z.NEVER;
	}
});

const checkId = z.string().regex(kebab, { error: 'a check id is kebab-case, e.g. "image-consistency"' });
const itemId = z.string().regex(/^[\w.-]+$/, { error: 'a checklist item id, as `handbook checklists extract` prints it' });

/**
 * One scripted event. With `check`, the check returns `status` with `observed` values and
 * `message` from `at` on (in `region` only, when given); without, it is something the
 * facilitator reads out (a participant report, a page, a question from a stakeholder).
 */
export const injectSchema = z
	.strictObject({
		at: offsetSchema,
		check: checkId.optional(),
		region: z.string().regex(kebab, { error: 'a region name as in handbook.config.ts, e.g. "eu-west-2"' }).optional(),
		status: z.enum(statuses).optional(),
		observed: z.record(z.string(), z.unknown()).optional(),
		/** What the players see; `{name}` placeholders are filled from `observed`, as in the config's messages. */
		message: z.string().min(1),
		/** How a non-check inject reaches the players: "participant report", "alert", "stakeholder"… */
		channel: z.string().min(1).optional(),
	})
	.superRefine((inject, ctx) => {
		if (inject.check && !inject.status) ctx.addIssue({ code: 'custom', path: ['status'], message: `an inject for check "${inject.check}" needs the status it returns (${statuses.join(', ')})` });
		if (!inject.check) {
			for (const key of ['status', 'region', 'observed'] as const) {
				if (inject[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `\`${key}\` belongs to an inject for a check: add \`check\`, or drop \`${key}\`` });
			}
		}
	});

/** A role in the exercise and what the person playing it does. */
export const roleSchema = z.strictObject({ role: z.string().min(1), brief: z.string().min(1) });

/** A checklist item the players should reach: its id, or `{ item, by }` with a target time. */
export const expectedActionSchema = z
	.union([itemId, z.strictObject({ item: itemId, by: offsetSchema })])
	.transform((a) => (typeof a === 'string' ? { item: a, by: null } : { item: a.item, by: a.by as number | null }));

/** A tabletop rehearsal of one runbook (src/content/scenarios/*.yaml). */
export const scenarioSchema = z.strictObject({
	id: z.string().regex(kebab, { error: 'a scenario id is kebab-case and matches its file name' }),
	title: z.string().min(1),
	/** The runbook page the players work from: its site path, e.g. "/incidents/workspace-restart-loop/". */
	runbook: z.string().regex(/^\/[\w/-]*\/$/, { error: 'a runbook is a site path with a trailing slash, e.g. "/incidents/workspace-restart-loop/"' }),
	difficulty: z.number().int().min(1).max(5).default(2),
	durationMinutes: z.number().int().min(5).max(240).default(30),
	/** Read out at the start: what the players know. */
	narrative: z.string().min(1),
	/** For the facilitator only: what is really wrong. */
	hiddenCause: z.string().min(1),
	roles: z.array(roleSchema).min(1),
	injects: z.array(injectSchema).min(1),
	expectedActions: z.array(expectedActionSchema).min(1),
	discussionQuestions: z.array(z.string().min(1)).min(1),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Inject = Scenario['injects'][number];

/** A problem in a scenario file, at file:line:column with the path of the value. */
export interface ScenarioIssue {
	file: string;
	line: number;
	column: number;
	path: string;
	message: string;
}

/** A scenario file that cannot be used, with every problem. */
export class ScenarioError extends Error {
	readonly issues: ScenarioIssue[];
	constructor(issues: ScenarioIssue[]) {
		super(issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n'));
		this.name = 'ScenarioError';
		this.issues = issues;
	}
}

const pathText = (path: readonly PropertyKey[]) => path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');

/** A parsed scenario file: the scenario, and a way to point at any of its values. */
export interface ScenarioFile {
	file: string;
	scenario: Scenario;
	/** Line and column of the value at a path (`['injects', 2, 'check']`), or of the nearest parent. */
	locate(path: readonly PropertyKey[]): { line: number; column: number };
}

/**
 * Parses and validates a scenario's YAML; the id must match the file name. Throws ScenarioError
 * with every problem and where it is.
 *
 * @example
 * parseScenario(readFileSync('src/content/scenarios/restart-loop.yaml', 'utf8'), 'restart-loop.yaml').scenario.injects[0].at // → 0
 */
export function parseScenario(source: string, file: string): ScenarioFile {
	const lineCounter = new LineCounter();
	const doc = parseDocument(source, { lineCounter, prettyErrors: false });
	const at = (offset: number) => {
		const p = lineCounter.linePos(offset);
		return { line: p.line, column: p.col };
	};
	if (doc.errors.length) throw new ScenarioError(doc.errors.map((e) => ({ file, ...at(e.pos[0]), path: '', message: e.message.split('\n')[0]! })));
	const locate = (path: readonly PropertyKey[]) => {
		for (let n = path.length; n >= 0; n--) {
			const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
			if (node && typeof node === 'object' && node.range) return at(node.range[0]);
		}
		return { line: 1, column: 1 };
	};
	const data = doc.toJS() as unknown;
	const result = scenarioSchema.safeParse(data);
	if (!result.success) {
		const message = (i: z.core.$ZodIssue) => (i.code === 'invalid_type' && /received undefined$/.test(i.message) ? `missing: a ${i.expected} is required here` : i.message);
		throw new ScenarioError(result.error.issues.map((i) => ({ file, ...locate(i.path), path: pathText(i.path), message: message(i) })));
	}
	const expected = basename(file).replace(/\.ya?ml$/, '');
	if (result.data.id !== expected) throw new ScenarioError([{ file, ...locate(['id']), path: 'id', message: `the id "${result.data.id}" must match the file name "${expected}"` }]);
	return { file, scenario: result.data, locate };
}

/** Every scenario file (`*.yaml`) in a directory, parsed and validated, by file name. */
export function loadScenarios(dir: string): ScenarioFile[] {
	return readdirSync(dir)
		.filter((f) => /\.ya?ml$/.test(f))
		.sort()
		.map((f) => parseScenario(readFileSync(join(dir, f), 'utf8'), join(dir, f)));
}

/** What a scenario is checked against: the runbook pages' checklists, the checks and regions of the config. */
export interface ScenarioWorld {
	/** Checklist of a docs page by site path ('/incidents/x/'). */
	page(path: string): Checklist | undefined;
	/** Check ids of the config; null to skip check ids. */
	checks: ReadonlySet<string> | null;
	/** Region names of the config's environments; null to skip regions. */
	regions: ReadonlySet<string> | null;
}

/**
 * The problems of a valid scenario against the site: a runbook page that does not exist or is not
 * a runbook, expected actions that are not items of that page, unknown checks and regions, an
 * inject after the end of the exercise.
 *
 * @example
 * scenarioProblems(file, world) // → [{ path: 'expectedActions[1]', message: 'no item "x" on /incidents/y/ …', line: 40, column: 5, … }]
 */
export function scenarioProblems(file: ScenarioFile, world: ScenarioWorld): ScenarioIssue[] {
	const { scenario } = file;
	const issues: ScenarioIssue[] = [];
	const add = (path: PropertyKey[], message: string) => issues.push({ file: file.file, ...file.locate(path), path: pathText(path), message });
	const page = world.page(scenario.runbook);
	if (!page) add(['runbook'], `no docs page at ${scenario.runbook}`);
	else if (!page.frontmatter.runbook) add(['runbook'], `${scenario.runbook} is not a runbook (it has no \`runbook:\` frontmatter)`);
	if (page) {
		const ids = new Set(page.items.map((i) => i.id));
		scenario.expectedActions.forEach((a, i) => {
			if (!ids.has(a.item)) add(['expectedActions', i], `no checklist item "${a.item}" on ${scenario.runbook} (\`handbook checklists extract\` lists the item ids)`);
		});
	}
	scenario.injects.forEach((inject, i) => {
		if (inject.check && world.checks && !world.checks.has(inject.check)) add(['injects', i, 'check'], `unknown check "${inject.check}"`);
		if (inject.region && world.regions && !world.regions.has(inject.region)) add(['injects', i, 'region'], `unknown region "${inject.region}" (regions: ${[...world.regions].join(', ')})`);
		if (inject.at > scenario.durationMinutes * 60) add(['injects', i, 'at'], `${formatOffset(inject.at)} is after the end of the ${scenario.durationMinutes}-minute exercise`);
	});
	return issues;
}
