import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractChecklist } from '../../src/checklists/extract.ts';
import { extraOver, pageWeight, starlightContentScript, widgetWeight } from '../../bench/page-weight.bench.ts';
import { builtPage, contentSlugs, distClient, docsDir } from '../support/site.ts';

const slugs = contentSlugs();
const sourceOf = (slug: string) => {
	const file = [join(docsDir, `${slug}.mdx`), join(docsDir, slug, 'index.mdx')].find((f) => existsSync(f))!;
	return { file, source: readFileSync(file, 'utf8') };
};
const checklistSlugs = slugs.filter((s) => extractChecklist(sourceOf(s).source, sourceOf(s).file).id !== null);
// Runbook pages run live too (incidents and rehearsals).
const liveSlugs = slugs.filter((s) => {
	const fm = extractChecklist(sourceOf(s).source, sourceOf(s).file).frontmatter as { checklist?: unknown; runbook?: unknown };
	return Boolean(fm.checklist || fm.runbook);
});
const ourScripts = /ChecklistItem|RunBar|RunDecision|RunSession|run-element|WatchBoard|SelfChecks|run-store|format\./;

/** The script URLs and inline module scripts of a built page. */
function scripts(html: string): { src: string[]; inline: string[] } {
	const src = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
	const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
	return { src, inline };
}

describe('checklist pages', () => {
	it('are the pages whose frontmatter has checklist.id', () => {
		expect(checklistSlugs).toEqual(expect.arrayContaining(['checklists/pre-workshop', 'checklists/t-minus-1', 'checklists/workshop-day']));
	});

	it.each(liveSlugs)('/%s renders one widget per item, with the ids extractChecklist gives', (slug) => {
		const { file, source } = sourceOf(slug);
		const html = builtPage(slug);
		const expected = extractChecklist(source, file).items.map((i) => i.id);
		const widgets = [...html.matchAll(/<hb-item [^>]*data-item-id="([^"]+)"/g)].map((m) => m[1]);
		expect(widgets).toEqual(expected);
		expect(html).toContain('<hb-run');
		// No GFM checkbox left, and no status rendered on the server: the run decides that.
		expect(html).not.toMatch(/class="task-list-item"/);
		expect(html).not.toMatch(/class="hb-status" data-state="[a-z]/);
	});

	it('binds checks and fields on the pre-workshop page as live widgets', () => {
		const html = builtPage('checklists/pre-workshop');
		expect(html).toMatch(/<hb-item class="hb-item" data-item-id="litellm-key-expiry" data-check-id="litellm-key-expiry">/);
		expect(html).toMatch(/<input class="hb-field__input[^"]*" type="number" data-field-name="expected-attendance"[^>]* disabled/);
		// Readable without JavaScript: the item text is server-rendered, the empty result rows are dropped.
		expect(html).toContain('LiteLLM key valid for more than 7 days');
		expect(html).toMatch(/<noscript><style>\.hb-item__result \{display: none !important;\}<\/style><\/noscript>/);
	});

	it('puts the workshop-day board on the workshop-day page, linking each watched check to its item', () => {
		const html = builtPage('checklists/workshop-day');
		const watched = [...html.matchAll(/data-board-check="([^"]+)" data-item="([^"]+)"/g)].map((m) => m[1]);
		expect(watched).toEqual(['concurrent-workspaces', 'workspace-failures', 'workspace-restarts', 'provisioner-queue', 'node-ephemeral-storage']);
		for (const id of watched) expect(html).toContain(`href="#item-${id}"`);
	});
});

describe('JavaScript on pages without checklists', () => {
	const others = slugs.filter((s) => !liveSlugs.includes(s));

	it.each(others.filter((s) => s !== 'participants/guide'))('/%s ships none of the checklist widgets', (slug) => {
		const { src, inline } = scripts(builtPage(slug));
		expect(src.filter((s) => ourScripts.test(s))).toEqual([]);
		expect(inline.filter((s) => /hb-(item|run|self)/.test(s))).toEqual([]);
	});

	it('the participant guide ships the self-checks only', () => {
		const { src, inline } = scripts(builtPage('participants/guide'));
		const code = [...src.filter((s) => s.startsWith('/_astro/')).map((s) => readFileSync(join(distClient, s), 'utf8')), ...inline];
		const ours = code.filter((s) => /hb-(item|run|self)/.test(s));
		expect(ours).toHaveLength(1);
		expect(ours[0]).toMatch(/customElements\.define\(\s*["'`]hb-self-checks["'`]/);
	});

	it('a checklist page adds at most 15 KB (gzip) of widget JavaScript to what a plain page ships', () => {
		const page = pageWeight('/checklists/pre-workshop/', distClient);
		const plain = pageWeight('/facilitators/guide/', distClient);
		// Everything extra is ours, or Starlight's script for the page's code blocks.
		for (const s of extraOver(page, plain).scripts) expect(s.name).toMatch(new RegExp(`${ourScripts.source}|${starlightContentScript.source}`));
		const widgets = widgetWeight(page, plain);
		expect(widgets.scripts.length).toBeGreaterThan(0);
		expect(widgets.gzip).toBeLessThanOrEqual(15 * 1024);
	});

	it('runbooks still give every task item its stable id', () => {
		const { file, source } = sourceOf('incidents/workspace-restart-loop');
		const html = builtPage('incidents/workspace-restart-loop');
		const ids = [...html.matchAll(/<li [^>]*data-item-id="([^"]+)"/g)].map((m) => m[1]);
		expect(ids).toEqual(extractChecklist(source, file).items.map((i) => i.id));
	});
});
