import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const distClient = join(root, 'dist/client');
export const distServerEntry = join(root, 'dist/server/entry.mjs');
export const docsDir = join(root, 'src/content/docs');

function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Slugs of every content page, from the files under src/content/docs ('' for the home page). */
export function contentSlugs(): string[] {
	return walk(docsDir)
		.filter((f) => /\.mdx?$/.test(f))
		.map((f) => relative(docsDir, f).split(sep).join('/').replace(/\.mdx?$/, '').replace(/(^|\/)index$/, ''))
		.sort();
}

/** The built HTML of a page by slug. */
export function builtPage(slug: string): string {
	return readFileSync(join(distClient, slug, 'index.html'), 'utf8');
}

/** Every built HTML file, as URL paths ('/incidents/' for dist/client/incidents/index.html). */
export function builtHtmlPaths(): string[] {
	return walk(distClient)
		.filter((f) => f.endsWith('.html') && !f.startsWith(join(distClient, 'pagefind')))
		.map((f) => '/' + relative(distClient, f).split(sep).join('/').replace(/index\.html$/, ''));
}
