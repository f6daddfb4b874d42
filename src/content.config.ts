import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { docsLoader } from '@astrojs/starlight/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
import { z } from 'astro/zod';
import { lintFrontmatterSchema } from './checklists/lint-frontmatter.ts';
import { scenarioSchema } from './checklists/scenario.ts';
import { retroSchema } from './records/retro.ts';

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

export const collections = {
	docs: defineCollection({
		loader: docsLoader(),
		schema: docsSchema({
			extend: z.object({
				runbook: runbookSchema.optional(),
				checklist: checklistSchema.optional(),
				lint: lintFrontmatterSchema.optional(),
				/** A workshop retrospective's metrics and actions (src/records/retro.ts). */
				retro: retroSchema.optional(),
			}),
		}),
	}),
	/** Tabletop rehearsal scenarios, one YAML file each (`handbook tabletop <id>`). */
	scenarios: defineCollection({
		loader: glob({ base: './src/content/scenarios', pattern: '*.yaml' }),
		schema: scenarioSchema,
	}),
};
