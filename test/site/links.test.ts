import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtHtmlPaths, distClient, root } from '../support/site.ts';
import { pageFacts, type PageFacts } from '../support/html.ts';
import { readFileSync } from 'node:fs';

const pages = new Map<string, PageFacts>();
for (const path of builtHtmlPaths()) {
	const file = join(distClient, path.endsWith('/') ? path + 'index.html' : path);
	pages.set(path, pageFacts(readFileSync(file, 'utf8')));
}

/** Resolves an internal href against the page it is on; null for external and non-page links. */
function target(from: string, href: string): { path: string; hash: string } | null {
	if (/^(https?:|mailto:|tel:|data:|javascript:)/.test(href) || href.startsWith('//')) return null;
	const url = new URL(href, `http://handbook.test${from}`);
	return { path: decodeURI(url.pathname), hash: decodeURIComponent(url.hash.slice(1)) };
}

describe('internal links', () => {
	it.each([...pages.keys()])('every link on %s reaches a page and an anchor that exist', (from) => {
		const broken: string[] = [];
		for (const { href } of pages.get(from)!.links) {
			const t = target(from, href);
			if (!t) continue;
			const path = t.path.endsWith('/') || t.path.includes('.') ? t.path : t.path + '/';
			const page = pages.get(path);
			if (!page) {
				// A file in dist/client, or an on-demand endpoint such as src/pages/calendar.ics.ts.
				if (!existsSync(join(distClient, t.path)) && !existsSync(join(root, 'src/pages', `${t.path}.ts`))) broken.push(`${href} (no such page)`);
				continue;
			}
			if (t.hash && !page.ids.has(t.hash)) broken.push(`${href} (no #${t.hash} on ${path})`);
		}
		expect(broken).toEqual([]);
	});
});
