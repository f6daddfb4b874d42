import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { docsLoader } from '@astrojs/starlight/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
import { pageFrontmatterSchema } from './checklists/frontmatter.ts';
import { scenarioSchema } from './checklists/scenario.ts';

export const collections = {
	docs: defineCollection({
		loader: docsLoader(),
		schema: docsSchema({
			// The handbook's keys (runbook, checklist, lint, retro): the same schema the server and CLI parse with.
			extend: pageFrontmatterSchema,
		}),
	}),
	/** Tabletop rehearsal scenarios, one YAML file each (`handbook tabletop <id>`). */
	scenarios: defineCollection({
		loader: glob({ base: './src/content/scenarios', pattern: '*.yaml' }),
		schema: scenarioSchema,
	}),
};
