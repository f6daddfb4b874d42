import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

/** Where the build leaves the hashes, next to the adapter's _headers.json (not served). */
export const INLINE_HASHES_FILE = '_inline-hashes.json';

export interface InlineHashes {
	scripts: string[];
	styles: string[];
}

function sha256(text: string): string {
	return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

function* htmlFiles(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) yield* htmlFiles(path);
		else if (entry.name.endsWith('.html')) yield path;
	}
}

/**
 * The hashes of every inline `<script>` (without `src`) and `<style>` element in the built pages.
 * Astro's security.csp hashes the scripts and styles it bundles, but not `is:inline` ones
 * (Starlight's theme and search scripts, the rehearsal banner's), nor Expressive Code's styles.
 */
export function inlineHashes(clientDir: string): InlineHashes {
	const scripts = new Set<string>();
	const styles = new Set<string>();
	for (const file of htmlFiles(clientDir)) {
		const html = readFileSync(file, 'utf8');
		for (const m of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/g)) if (!/\ssrc=/.test(m[1] ?? '') && m[2]) scripts.add(sha256(m[2]));
		for (const m of html.matchAll(/<style(\s[^>]*)?>([\s\S]*?)<\/style>/g)) if (m[2]) styles.add(sha256(m[2]));
	}
	return { scripts: [...scripts].sort(), styles: [...styles].sort() };
}

/** An integration writing `inlineHashes` of the built site to dist/_inline-hashes.json. */
export function inlineHashesIntegration(): AstroIntegration {
	let outDir: URL | undefined;
	return {
		name: 'handbook:inline-hashes',
		hooks: {
			'astro:config:done': ({ config }) => {
				outDir = config.outDir;
			},
			'astro:build:done': ({ dir }) => {
				const hashes = inlineHashes(fileURLToPath(dir));
				writeFileSync(new URL(INLINE_HASHES_FILE, outDir ?? new URL('../', dir)), JSON.stringify(hashes, null, '\t') + '\n');
			},
		},
	};
}
