import GithubSlugger from 'github-slugger';
import type { Nodes, Root } from 'mdast';
import { plainText } from './extract.ts';

/** A site's pages by URL path ('/incidents/x/'), each with the anchors its headings get. */
export type SiteIndex = Map<string, Set<string>>;

/**
 * The anchors a page's headings get on the site: the slugs Astro gives them (github-slugger over
 * the heading text, repeated headings numbered `-1`, `-2`…), plus Starlight's `_top`.
 *
 * @example
 * headingAnchors(parsePage('## Go / no-go\n## Go / no-go\n', 'p.md').tree) // → Set { '_top', 'go--no-go', 'go--no-go-1' }
 */
export function headingAnchors(tree: Root): Set<string> {
	const slugger = new GithubSlugger();
	const anchors = new Set<string>(['_top']);
	const walk = (node: Nodes) => {
		if (node.type === 'heading') anchors.add(slugger.slug(plainText(node).trim()));
		else if ('children' in node) for (const child of node.children as Nodes[]) walk(child);
	};
	walk(tree);
	return anchors;
}

/**
 * Why a root-relative site link (`/incidents/x/#diagnosis`) does not resolve, or null when it
 * does: the page must exist and the anchor, if any, must be one of its headings.
 *
 * @example
 * brokenLinkReason(site, '/incidents/x/#nope') // → 'no heading "#nope" on /incidents/x/'
 */
export function brokenLinkReason(site: SiteIndex, link: string): string | null {
	const [rawPath = '', anchor] = link.split('#', 2);
	const path = rawPath.endsWith('/') ? rawPath : `${rawPath}/`;
	const anchors = site.get(path);
	if (!anchors) return `no page ${path} in the docs`;
	if (anchor && !anchors.has(decodeURIComponent(anchor))) return `no heading "#${anchor}" on ${path}`;
	return null;
}
