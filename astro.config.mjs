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
import { rehypeTableRegion } from './src/components/table-region.ts';
import { rehypeTaskLabels } from './src/components/task-labels.ts';
import { inlineSourceHashes, sitePolicyIntegration } from './src/server/inline-hashes.ts';

/** @param {string} name */
const component = (name) => fileURLToPath(new URL(`./src/components/${name}.astro`, import.meta.url));

// HANDBOOK_BUILD_PLAIN=1 builds the same pages with our remark plugin and components switched off
// (<Check>/<Field> render their text only): the baseline of the build benchmark (bench/build.bench.ts).
const plain = process.env.HANDBOOK_BUILD_PLAIN === '1';

// Docs pages are prerendered (output 'static'); src/pages/api/* opt out with `prerender = false`
// and are served on demand by the Node adapter from dist/server/entry.mjs.
// Starlight's custom properties for the wall display, which has no Starlight layout: resolved
// from the installed package (not exported, and not at a fixed relative path in a copied site).
const starlightProps = fileURLToPath(new URL('./style/props.css', import.meta.resolve('@astrojs/starlight')));

// The inline scripts and styles of our components and Starlight's, hashed from their sources
// (Astro writes them into pages as they are and does not hash them): security.csp below carries
// them, so every page's policy, prerendered or rendered on demand, allows them and nothing else.
const inline = inlineSourceHashes([fileURLToPath(new URL('./src', import.meta.url)), fileURLToPath(new URL('.', import.meta.resolve('@astrojs/starlight')))]);

export default defineConfig({
	vite: { resolve: { alias: [{ find: /^~starlight-props\.css/, replacement: starlightProps }] } },
	site: HANDBOOK_SITE,
	// staticHeaders: the prerendered pages' Content-Security-Policy (below) is sent as a response
	// header by the adapter's static handler (a <meta> policy cannot carry frame-ancestors).
	// 'middleware' mode: the entry exports Astro's request handler alone, which scripts/serve.ts
	// gives the /api/ requests (no static file lives there), and still its standalone server
	// (startServer: static files first, then the same handler) for everything else. `npm start`
	// serves the site; `astro preview` would serve only the on-demand routes.
	adapter: node({ mode: 'middleware', staticHeaders: true }),
	session: false,
	// Component styles as files, never inlined: an inlined <style> is compiled CSS whose hash is
	// not known before the build (and Astro's policy leaves it out); a file is 'self'.
	build: { inlineStylesheets: 'never' },
	security: {
		// Astro hashes the scripts and styles it bundles into the policy, and `inline` adds the
		// `is:inline` ones (Starlight's theme, search and sidebar scripts): nothing else may run.
		// sitePolicyIntegration gives every prerendered page the site's one policy (the adapter may
		// serve a page another page's entry). The other headers (X-Frame-Options, nosniff,
		// Referrer-Policy) are added to every response by src/server/headers.ts.
		csp: {
			directives: [
				"default-src 'self'",
				"img-src 'self' data:",
				"connect-src 'self'",
				"object-src 'none'",
				"base-uri 'self'",
				"form-action 'self'",
				"frame-ancestors 'none'",
			],
			// Pagefind's search index runs as WebAssembly.
			scriptDirective: { resources: ["'self'", "'wasm-unsafe-eval'"], hashes: inline.scripts },
			// Style attributes (Expressive Code's token colours, Starlight's) cannot be hashed one by
			// one; they cannot run script either.
			styleDirective: { resources: ["'self'", { resource: "'unsafe-inline'", kind: 'attribute' }], hashes: inline.styles },
		},
	},
	markdown: {
		// Astro 7 renders Markdown with Sätteri by default, which runs no remark plugins: unified()
		// brings the remark pipeline back. Starlight pushes its own plugins onto this same processor
		// and MDX inherits it.
		processor: unified({
			remarkPlugins: plain
				? [[remarkImportsOnly, { Check: component('Plain'), Field: component('Plain') }]]
				: [[remarkChecklist, { Check: component('Check'), Field: component('Field'), ChecklistItem: component('ChecklistItem') }]],
			// Wide tables scroll in a named region a keyboard reaches; task checkboxes carry their item's text.
			rehypePlugins: plain ? [] : [rehypeTableRegion, rehypeTaskLabels],
		}),
	},
	integrations: [
		starlight({
			title: 'Workshop Handbook',
			description: 'Guides, executable checklists and incident runbooks for the monthly stress-test workshops on ai.coder.com.',
			// layers.css first: it fixes the cascade layer order before any layered rule appears.
			customCss: ['./src/styles/layers.css', './src/styles/checklist.css', './src/styles/table-region.css'],
			// Checklist pages (frontmatter `checklist:`) get the run bar above their content.
			components: plain ? {} : { MarkdownContent: './src/components/MarkdownContent.astro', Banner: './src/components/RehearsalBanner.astro', Search: './src/components/Search.astro', SocialIcons: './src/components/HeaderSignIn.astro' },
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
				{
					label: 'Operating the handbook',
					items: [{ slug: 'operations/running-the-handbook' }],
				},
			],
		}),
		mdx(),
		sitePolicyIntegration(),
	],
});
