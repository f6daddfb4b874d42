#!/usr/bin/env node
// Page weight: the JavaScript (gzip) each built page ships, and what the checklist widgets add
// over a plain page. Reads dist/client (run `npm run build` first):
//   node bench/page-weight.bench.ts
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const distClient = fileURLToPath(new URL('../dist/client/', import.meta.url));

/** One script a page loads: an /_astro file (or a module it imports), or an inline script. */
export interface Script {
	name: string;
	raw: number;
	gzip: number;
}

export interface PageWeight {
	path: string;
	scripts: Script[];
	raw: number;
	gzip: number;
}

const sizes = (name: string, code: string): Script => ({ name, raw: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length });

/** Static imports of a built module ("./chunk.js", "/_astro/chunk.js"); dynamic import() is loaded later, if ever. */
function staticImports(code: string): string[] {
	return [...code.matchAll(/(?:^|[;\s})])import\s*(?:[\w$*{}\s,]+?from\s*)?["']([^"']+\.js)["']/g)].map((m) => m[1]!);
}

/**
 * The JavaScript a built page ships on load: its external module scripts and everything they
 * import statically (each file once), plus its inline scripts, each gzipped on its own.
 *
 * @example
 * pageWeight('/checklists/pre-workshop/').gzip // → 21840
 */
export function pageWeight(path: string, root = distClient): PageWeight {
	const html = readFileSync(join(root, path, 'index.html'), 'utf8');
	const seen = new Set<string>();
	const scripts: Script[] = [];
	const visit = (url: string) => {
		if (seen.has(url) || !url.startsWith('/_astro/')) return;
		seen.add(url);
		const code = readFileSync(join(root, url), 'utf8');
		scripts.push(sizes(url, code));
		for (const spec of staticImports(code)) visit(spec.startsWith('/') ? spec : posix.join(posix.dirname(url), spec));
	};
	for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
		const [, attrs = '', body = ''] = m;
		const src = attrs.match(/\ssrc="([^"]+)"/)?.[1];
		if (src) visit(src);
		else if (!/type="(application\/(ld\+)?json|importmap)"/.test(attrs) && body.trim()) scripts.push(sizes(`inline${/type="module"/.test(attrs) ? ' module' : ''} #${scripts.length + 1}`, body));
	}
	return { path, scripts, raw: scripts.reduce((n, s) => n + s.raw, 0), gzip: scripts.reduce((n, s) => n + s.gzip, 0) };
}

/** What a page ships beyond a plain page: scripts the plain page does not load. */
export function extraOver(page: PageWeight, plain: PageWeight): PageWeight {
	const base = new Set(plain.scripts.map((s) => `${s.name.startsWith('inline') ? 'inline' : s.name}:${s.raw}`));
	const scripts = page.scripts.filter((s) => !base.has(`${s.name.startsWith('inline') ? 'inline' : s.name}:${s.raw}`));
	return { path: `${page.path} − ${plain.path}`, scripts, raw: scripts.reduce((n, s) => n + s.raw, 0), gzip: scripts.reduce((n, s) => n + s.gzip, 0) };
}

/** Starlight's own scripts that a page may add for its content (Expressive Code's copy button). */
export const starlightContentScript = /^\/_astro\/ec\./;

/** The checklist widgets' own JavaScript on a page: its extra over a plain page, less Starlight's content scripts. */
export function widgetWeight(page: PageWeight, plain: PageWeight): PageWeight {
	const extra = extraOver(page, plain);
	const scripts = extra.scripts.filter((s) => !starlightContentScript.test(s.name));
	return { ...extra, scripts, raw: scripts.reduce((n, s) => n + s.raw, 0), gzip: scripts.reduce((n, s) => n + s.gzip, 0) };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function main() {
	if (!existsSync(join(distClient, 'index.html'))) {
		console.error('page-weight: no build in dist/client; run `npm run build` first.');
		process.exit(2);
	}
	const plain = pageWeight('/facilitators/guide/');
	const pages = [plain, pageWeight('/incidents/workspace-restart-loop/'), pageWeight('/participants/guide/'), pageWeight('/checklists/pre-workshop/'), pageWeight('/checklists/workshop-day/')];
	console.log('JavaScript shipped on load (external module scripts with their static imports, plus inline scripts):\n');
	console.log(`${'page'.padEnd(38)} ${'scripts'.padStart(7)} ${'raw'.padStart(9)} ${'gzip'.padStart(9)}`);
	for (const p of pages) console.log(`${p.path.padEnd(38)} ${String(p.scripts.length).padStart(7)} ${kb(p.raw).padStart(9)} ${kb(p.gzip).padStart(9)}`);
	// The widgets' own cost: the checklist page against a plain page (runbooks are live too now).
	for (const [path, reference] of [['/checklists/pre-workshop/', plain], ['/participants/guide/', plain]] as const) {
		const extra = extraOver(pages.find((p) => p.path === path)!, reference);
		console.log(`\nExtra on ${path} over ${reference.path}:`);
		for (const s of extra.scripts) console.log(`  ${s.name.padEnd(70)} ${kb(s.raw).padStart(9)} ${kb(s.gzip).padStart(9)}`);
		console.log(`  ${'total'.padEnd(70)} ${kb(extra.raw).padStart(9)} ${kb(extra.gzip).padStart(9)}${path.startsWith('/checklists/') ? `   (goal ≤ 15 KB gzip: ${extra.gzip <= 15 * 1024 ? 'met' : 'MISSED'})` : ''}`);
	}
	const checklist = pages.find((p) => p.path === '/checklists/pre-workshop/')!;
	console.log(`\nratio checklist page / plain page (gzip): ${(checklist.gzip / plain.gzip).toFixed(2)}`);
	// The lines `npm run bench` gathers into its table.
	const widgets = widgetWeight(checklist, plain).gzip;
	console.log('');
	for (const p of pages) console.log(`ok    JavaScript shipped (gzip) by ${p.path}: ${kb(p.gzip).trim()} (${(p.gzip / plain.gzip).toFixed(2)}× the plain page)`);
	console.log(`${widgets <= 15 * 1024 ? 'ok  ' : 'MISS'}  checklist widget JavaScript over a plain page (gzip): ${kb(widgets).trim()} (goal ≤ 15 KB)`);
}

// Run as a script prints the table; imported (by the site tests), it only lends its functions.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
