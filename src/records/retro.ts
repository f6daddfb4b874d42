import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { metricById, metricIds, type MetricDef, type MetricId } from './metrics.ts';

/**
 * The frontmatter `retro:` of a retrospective page: the workshop's metrics, what the stored runs
 * said, and the action items. One schema for the content collection (src/content.config.ts) and
 * the CLI (`handbook retro new` validates what it writes), so both refuse the same mistakes.
 *
 * A value nobody knows yet is `null` (or the words "to fill"): the schema accepts it, the page
 * shows "to fill", and the trends page shows the workshop's point as missing. Never a guess.
 */

/** The marker a person may write instead of `null` for a value still to fill. */
export const TO_FILL = 'to fill';

const toFill = (v: unknown) => (typeof v === 'string' && v.trim().toLowerCase() === TO_FILL ? null : v);
const got = (input: unknown) => (input === undefined ? 'nothing' : JSON.stringify(input));

function metricSchema(def: MetricDef) {
	const whole = def.kind === 'count';
	const max = def.kind === 'percent' ? 100 : def.kind === 'score' ? 5 : Number.POSITIVE_INFINITY;
	const expected =
		def.kind === 'count'
			? 'a whole number ≥ 0'
			: def.kind === 'percent'
				? 'a percentage from 0 to 100'
				: def.kind === 'score'
					? 'a score from 0 to 5'
					: def.kind === 'number'
						? 'a number ≥ 0'
						: 'a number of minutes ≥ 0';
	const error = (iss: { input?: unknown }) => `${def.label}: expected ${expected}, or null while it is still to fill (got ${got(iss.input)})`;
	let n = z.number({ error });
	if (whole) n = n.int({ error });
	n = n.min(0, { error });
	if (Number.isFinite(max)) n = n.max(max, { error });
	return z.preprocess(toFill, n.nullable()).default(null);
}

const metricsShape = Object.fromEntries(metricIds.map((id) => [id, metricSchema(metricById.get(id)!)])) as Record<MetricId, ReturnType<typeof metricSchema>>;

const count = (what: string) =>
	z
		.preprocess(toFill, z.number({ error: (iss) => `${what}: expected a whole number ≥ 0, or null while it is still to fill (got ${got(iss.input)})` }).int().min(0).nullable())
		.default(null);

/** YAML dates arrive as Date (Astro's frontmatter parser) or as strings (quoted, or the `yaml` package): both become "YYYY-MM-DD". */
const isoDate = (what: string) =>
	z.preprocess(
		(v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : toFill(v)),
		z.string({ error: (iss) => `${what}: expected a date such as 2026-12-01, or null while it is still to fill (got ${got(iss.input)})` }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: (iss) => `${what}: expected a date such as 2026-12-01 (got ${got(iss.input)})` }).nullable(),
	);

const isoDateTime = (what: string) =>
	z.preprocess(
		(v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString() : toFill(v)),
		z.iso.datetime({ offset: true, error: (iss) => `${what}: expected an ISO date-time such as 2026-12-01T16:00:00Z (got ${got(iss.input)})` }).nullable(),
	);

const text = z.preprocess(toFill, z.string().min(1).nullable()).default(null);

/** One action item: every action has an owner, a due date and a tracked issue (null while to fill). */
export const actionSchema = z.strictObject({
	title: z.string({ error: 'an action needs a title' }).min(1),
	owner: text,
	due: isoDate('due').default(null),
	horizon: z.enum(['next-workshop', 'this-quarter', 'later'], { error: 'horizon is next-workshop, this-quarter or later' }),
	issue: z.preprocess(toFill, z.url({ error: 'issue: expected the tracked issue\'s URL, or null while it is still to fill' }).nullable()).default(null),
	status: z.enum(['open', 'done', 'dropped'], { error: 'status is open, done or dropped' }).default('open'),
});

const targetsShape = Object.fromEntries(metricIds.filter((id) => metricById.get(id)!.target).map((id) => [id, z.number().optional()]));

export const retroSchema = z.strictObject({
	/** The month key, e.g. "2026-12": the same id the checklist runs were stored under. */
	workshop: z.string({ error: 'workshop: expected the month key, e.g. "2026-12"' }).regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: (iss) => `workshop: expected the month key such as "2026-12" (got ${got(iss.input)})` }),
	/** An example shipped with the handbook, not a real workshop. */
	example: z.boolean().default(false),
	status: z.enum(['draft', 'in-review', 'reviewed', 'closed'], { error: 'status is draft, in-review, reviewed or closed' }).default('draft'),
	date: isoDate('date').default(null),
	environment: z.string().min(1).default('ai.coder.com'),
	facilitator: text,
	scribe: text,
	/** The workshop window the peaks were read over, and where it came from. */
	window: z
		.strictObject({ start: isoDateTime('window.start').default(null), end: isoDateTime('window.end').default(null), source: z.string().nullable().default(null) })
		.prefault({}),
	/** What the pre-workshop (T-2) run recorded. */
	preWorkshop: z
		.strictObject({
			run: z.string().min(1).nullable().default(null),
			decision: z.preprocess(toFill, z.enum(['go', 'no-go'], { error: 'preWorkshop.decision is go or no-go, or null while it is still to fill' }).nullable()).default(null),
			decisionNote: text,
			signedOffBy: text,
			signedOffAt: isoDateTime('preWorkshop.signedOffAt').default(null),
			/** Checks that were not green at sign-off: "id: status". */
			notGreen: z.array(z.string()).default([]),
		})
		.prefault({}),
	metrics: z.strictObject(metricsShape).prefault({}),
	incidents: z.strictObject({ P0: count('incidents.P0'), P1: count('incidents.P1'), P2: count('incidents.P2'), P3: count('incidents.P3') }).prefault({}),
	/** This month's targets where they differ from the defaults, e.g. `failureRatePercent: 1`. */
	targets: z.strictObject(targetsShape).default({}),
	actions: z.array(actionSchema).default([]),
	next: z.strictObject({ date: isoDate('next.date').default(null), facilitator: text, expectedParticipants: count('next.expectedParticipants') }).prefault({}),
});

export type Retro = z.output<typeof retroSchema>;
export type RetroInput = z.input<typeof retroSchema>;
export type RetroAction = z.output<typeof actionSchema>;

/** A retrospective that does not match the schema: every problem, with the file and the field. */
export class RetroError extends Error {
	readonly issues: Array<{ path: string; message: string }>;
	constructor(file: string, issues: Array<{ path: string; message: string }>) {
		super(`${file} is not a valid retrospective:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
		this.name = 'RetroError';
		this.issues = issues;
	}
}

function issuePath(path: readonly PropertyKey[]): string {
	return ['retro', ...path].map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');
}

/**
 * Validates a page's `retro` frontmatter; throws RetroError naming the file and each field.
 *
 * @example
 * validateRetro({ workshop: '2026-12', metrics: { attended: -3 } }, 'retros/2026-12.mdx')
 * // throws: retros/2026-12.mdx is not a valid retrospective:
 * //   - retro.metrics.attended: Attended: expected a whole number ≥ 0, or null while it is still to fill (got -3)
 */
export function validateRetro(data: unknown, file: string): Retro {
	const result = retroSchema.safeParse(data);
	if (result.success) return result.data;
	throw new RetroError(
		file,
		result.error.issues.map((i) => ({
			path: issuePath(i.path),
			message: i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')} (known: ${Object.keys(shapeAt(i.path)).join(', ')})` : i.message,
		})),
	);
}

function shapeAt(path: readonly PropertyKey[]): Record<string, unknown> {
	let schema: unknown = retroSchema;
	for (const key of path) {
		const shape = (schema as { shape?: Record<string, unknown> }).shape;
		schema = shape?.[String(key)];
		// Unwrap defaults and prefaults to reach the object.
		while (schema && (schema as { def?: { innerType?: unknown } }).def?.innerType) schema = (schema as { def: { innerType: unknown } }).def.innerType;
	}
	return (schema as { shape?: Record<string, unknown> })?.shape ?? {};
}

/** The YAML frontmatter of an MDX page, or {} when it has none. */
export function frontmatterOf(source: string): Record<string, unknown> {
	const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(source);
	return m ? ((parseYaml(m[1]!) as Record<string, unknown> | null) ?? {}) : {};
}

/** Validates a retrospective page's source: its frontmatter must have a valid `retro`. */
export function validateRetroPage(source: string, file: string): Retro {
	const fm = frontmatterOf(source);
	if (!fm.retro) throw new RetroError(file, [{ path: 'retro', message: 'the page has no `retro:` frontmatter' }]);
	return validateRetro(fm.retro, file);
}
