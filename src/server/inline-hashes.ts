import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AstroIntegration } from 'astro';
import { mergePolicies } from './headers.ts';

/** A hash as `security.csp` takes it (no quotes): `sha256-…`. */
export type SourceHash = `sha256-${string}`;

function sha256(text: string): SourceHash {
	return `sha256-${createHash('sha256').update(text).digest('base64')}`;
}

function* astroFiles(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) {
			if (entry.name !== 'node_modules') yield* astroFiles(path);
		} else if (entry.name.endsWith('.astro')) yield path;
	}
}

/**
 * The hashes of the inline scripts and styles written in `.astro` sources, which Astro puts in
 * pages as written and does not hash itself: `<script is:inline>` (Starlight's theme, search and
 * sidebar scripts, our rehearsal notice), `<style is:inline>`, and a `<style>` inside
 * `<noscript>`. Known before the build, so `security.csp` (astro.config.mjs) carries them and
 * every page, prerendered or rendered on demand, gets them from Astro.
 *
 * @example
 * inlineSourceHashes(['src']).scripts // → ['sha256-…'] (the rehearsal notice's, the wall page's, the search's)
 */
export function inlineSourceHashes(roots: readonly string[]): { scripts: SourceHash[]; styles: SourceHash[] } {
	const scripts = new Set<SourceHash>();
	const styles = new Set<SourceHash>();
	for (const root of roots) {
		for (const file of astroFiles(root)) {
			const source = readFileSync(file, 'utf8');
			for (const m of source.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) if (/\bis:inline\b/.test(m[1]!) && !/\bsrc=/.test(m[1]!) && m[2]) scripts.add(sha256(m[2]));
			for (const m of source.matchAll(/<style\b([^>]*)>([\s\S]*?)<\/style>/g)) if (/\bis:inline\b/.test(m[1]!) && m[2]) styles.add(sha256(m[2]));
			for (const noscript of source.matchAll(/<noscript\b[^>]*>([\s\S]*?)<\/noscript>/g)) for (const m of noscript[1]!.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)) if (m[1]) styles.add(sha256(m[1]));
		}
	}
	return { scripts: [...scripts].sort(), styles: [...styles].sort() };
}

/**
 * Gives every prerendered page the site's one policy (the union of the policies Astro computed
 * per page) in the headers the Node adapter writes to dist/_headers.json: its static handler
 * picks a page's entry by substring ("/" matches "/404/"), so a page may be served another's.
 */
export function sitePolicyIntegration(): AstroIntegration {
	return {
		name: 'handbook:site-policy',
		hooks: {
			'astro:build:generated': ({ routeToHeaders }) => {
				const policies = [...routeToHeaders.values()].map((p) => p.headers.get('content-security-policy')).filter((p): p is string => !!p);
				if (policies.length === 0) return;
				const site = mergePolicies(policies);
				for (const { headers } of routeToHeaders.values()) if (headers.has('content-security-policy')) headers.set('content-security-policy', site);
			},
		},
	};
}
