// @ts-check
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import mdx from '@astrojs/mdx';
import node from '@astrojs/node';
import { unified } from '@astrojs/markdown-remark';
import starlightLinksValidator from 'starlight-links-validator';
import remarkChecklist, { remarkImportsOnly } from './src/checklists/remark-checklist.ts';
import { HANDBOOK_SITE } from './src/site.ts';

/** @param {string} name */
const component = (name) => fileURLToPath(new URL(`./src/components/${name}.astro`, import.meta.url));

// HANDBOOK_BUILD_PLAIN=1 builds the same pages with our remark plugin and components switched off
// (<Check>/<Field> render their text only): the baseline of the build benchmark (bench/build.bench.ts).
const plain = process.env.HANDBOOK_BUILD_PLAIN === '1';

// Docs pages are prerendered (output 'static'); src/pages/api/* opt out with `prerender = false`
// and are served on demand by the Node adapter from dist/server/entry.mjs.
export default defineConfig({
	site: HANDBOOK_SITE,
	adapter: node({ mode: 'standalone' }),
	session: false,
	markdown: {
		// Astro 7 renders Markdown with Sätteri by default, which runs no remark plugins: unified()
		// brings the remark pipeline back. Starlight pushes its own plugins onto this same processor
		// and MDX inherits it.
		processor: unified({
			remarkPlugins: plain
				? [[remarkImportsOnly, { Check: component('Plain'), Field: component('Plain') }]]
				: [[remarkChecklist, { Check: component('Check'), Field: component('Field'), ChecklistItem: component('ChecklistItem') }]],
		}),
	},
	integrations: [
		starlight({
			title: 'Workshop Handbook',
			description: 'Guides, executable checklists and incident runbooks for the monthly stress-test workshops on ai.coder.com.',
			customCss: ['./src/styles/checklist.css'],
			// Checklist pages (frontmatter `checklist:`) get the run bar above their content.
			components: plain ? {} : { MarkdownContent: './src/components/MarkdownContent.astro', Banner: './src/components/RehearsalBanner.astro' },
			lastUpdated: false,
			plugins: [
				starlightLinksValidator({
					errorOnRelativeLinks: true,
					errorOnLocalLinks: true,
					// Routes outside the docs collection, which the validator cannot look into: the tabletop
					// handouts and the trends page (src/pages) and the calendar endpoint;
					// test/site/links.test.ts checks links to them in the built site.
					exclude: ['/tabletop/*/', '/records/trends/', '/records/trends/#*', '/calendar.ics'],
				}),
			],
			sidebar: [
				{
					label: 'Participants',
					items: [
						{ slug: 'participants/guide' },
						{ slug: 'participants/troubleshooting' },
					],
				},
				{
					label: 'Facilitators',
					items: [
						{ slug: 'facilitators/guide' },
						{ slug: 'facilitators/cadence' },
						{
							label: 'Checklists',
							items: [
								{ slug: 'checklists/pre-workshop' },
								{ slug: 'checklists/t-minus-1' },
								{ slug: 'checklists/workshop-day' },
							],
						},
						{ slug: 'planning/capacity' },
						{ slug: 'planning/platform' },
						{ slug: 'records/retrospective-template' },
						{ label: 'Trends across workshops', link: '/records/trends/' },
						{ label: 'Retrospectives', collapsed: true, items: [{ autogenerate: { directory: 'records/retros' } }] },
					],
				},
				{
					label: 'Incident response',
					items: [
						{ slug: 'incidents', label: 'Overview' },
						{
							label: 'Runbooks',
							items: [
								{ slug: 'incidents/workspace-restart-loop' },
								{ slug: 'incidents/subdomain-routing-failure' },
								{ slug: 'incidents/ai-gateway-auth-failure' },
								{ slug: 'incidents/resource-contention' },
								{ slug: 'incidents/image-pull-failure' },
								{ slug: 'incidents/provisioner-failure' },
							],
						},
					],
				},
				{
					label: 'Launch operations',
					items: [{ slug: 'launch/operations' }],
				},
			],
		}),
		mdx(),
	],
});
