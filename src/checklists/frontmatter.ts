import { z } from 'zod';
import { retroSchema } from '../records/retro.ts';
import { lintFrontmatterSchema } from './lint-frontmatter.ts';

const checkId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: 'a check id is kebab-case, e.g. "litellm-key-expiry"' });

/** Frontmatter of an incident runbook page. */
export const runbookSchema = z.object({
	id: z.string().regex(/^RB-[A-Z0-9-]+$/, { error: 'a runbook id looks like "RB-RESTART-LOOP"' }),
	severity: z.enum(['P0', 'P1', 'P2', 'P3']),
	checks: z.array(checkId).default([]),
});

/** Frontmatter of a page that is a runnable checklist. */
export const checklistSchema = z.object({
	id: checkId,
	phase: z.enum(['T-7', 'T-3', 'T-2', 'T-1', 'day', 'T+2', 'launch']),
	/** A board: checks of this page re-run on an interval while it is open (workshop day). */
	watch: z
		.strictObject({
			checks: z.array(checkId).min(1, { error: 'name at least one check of this page to watch' }),
			everySeconds: z.number().int().min(15, { error: 're-run at most every 15 seconds' }).max(3600).default(60),
		})
		.optional(),
	/** The environment its runs use by default (the launch checklist runs against the pipeline's). */
	environment: z.string().optional(),
	/** A gate: its run ends in a recorded go / no-go (the pre-workshop checklist). Other pages only sign off. */
	gate: z.boolean().default(false),
	/** How many different approvers must sign a run off (a gate checklist may ask for 2); default 1. */
	approvers: z.number().int().min(1).max(5).optional(),
});

/**
 * The handbook's own frontmatter keys of a docs page, beside Starlight's (title, description,
 * sidebar…, which this leaves alone): one schema for the content collection
 * (src/content.config.ts), the remark plugin, the server and the CLI.
 */
export const pageFrontmatterSchema = z.object({
	runbook: runbookSchema.optional(),
	checklist: checklistSchema.optional(),
	lint: lintFrontmatterSchema.optional(),
	/** A workshop retrospective's metrics and actions (src/records/retro.ts). */
	retro: retroSchema.optional(),
});

export type PageFrontmatter = z.output<typeof pageFrontmatterSchema>;
export type ChecklistFrontmatter = z.output<typeof checklistSchema>;
export type RunbookFrontmatter = z.output<typeof runbookSchema>;

/** Frontmatter that does not match the schema: every problem, with the file and the field. */
export class FrontmatterError extends Error {
	readonly file: string;
	readonly issues: ReadonlyArray<{ path: string; message: string }>;
	constructor(file: string, issues: ReadonlyArray<{ path: string; message: string }>) {
		super(`${file}: invalid frontmatter:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
		this.name = 'FrontmatterError';
		this.file = file;
		this.issues = issues;
	}
}

/** A zod path as a page author writes it: `checklist.watch.checks[1]`. */
function fieldPath(path: readonly PropertyKey[]): string {
	return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '') || '(frontmatter)';
}

/**
 * A page's handbook frontmatter (runbook, checklist, lint, retro) parsed with the content
 * collection's schemas, defaults applied; throws a FrontmatterError naming the file and every
 * wrong field.
 *
 * @example
 * parseFrontmatter({ title: 'T-2', checklist: { id: 'pre-workshop', phase: 'T-2', gate: true } }, 'pre-workshop.mdx').checklist
 * // → { id: 'pre-workshop', phase: 'T-2', gate: true }
 * parseFrontmatter({ checklist: { id: 'x', phase: 'T-9' } }, 'x.mdx')
 * // throws: x.mdx: invalid frontmatter:\n  - checklist.phase: Invalid option: expected one of "T-7"|…
 */
export function parseFrontmatter(frontmatter: unknown, file: string): PageFrontmatter {
	const parsed = pageFrontmatterSchema.safeParse(frontmatter ?? {});
	if (parsed.success) return parsed.data;
	throw new FrontmatterError(file, parsed.error.issues.map((i) => ({ path: fieldPath(i.path), message: i.message })));
}
