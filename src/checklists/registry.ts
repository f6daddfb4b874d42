import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { extractChecklist, type Checklist, type InlineText } from './extract.ts';

/** The docs directory: src/content/docs under the project directory. */
export function docsDir(root = process.cwd()): string {
	return resolve(root, 'src/content/docs');
}

function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.mdx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Every Markdown and MDX file under a directory, sorted by path. */
export function pageFiles(dir: string): string[] {
	return walk(dir).sort();
}

/** The URL path of a docs page file ('/checklists/pre-workshop/'). */
export function pagePath(file: string, dir = docsDir()): string {
	const slug = relative(dir, file).split(sep).join('/').replace(/\.mdx?$/, '').replace(/(^|\/)index$/, '');
	return `/${slug}${slug ? '/' : ''}`;
}

/** A runnable checklist page: its extracted items and where it is served. */
export interface ChecklistPage extends Checklist {
	id: string;
	path: string;
}

/**
 * The runnable checklists (pages whose frontmatter has `checklist.id`), re-read when a page
 * file changes so the server follows edits without a restart.
 */
export class ChecklistRegistry {
	readonly dir: string;
	#cache = new Map<string, { mtimeMs: number; checklist: Checklist }>();
	#inline: InlineText | undefined;

	/** `inline`: the text of inline value components (`<Threshold>`) in item texts, see `extractChecklist`. */
	constructor(dir = docsDir(), inline?: InlineText) {
		this.dir = dir;
		this.#inline = inline;
	}

	/** Every page's extracted checklist (pages without task items included), by file. */
	pages(): Checklist[] {
		return walk(this.dir).map((file) => {
			const mtimeMs = statSync(file).mtimeMs;
			const hit = this.#cache.get(file);
			if (hit && hit.mtimeMs === mtimeMs) return hit.checklist;
			const checklist = extractChecklist(readFileSync(file, 'utf8'), file, this.#inline);
			this.#cache.set(file, { mtimeMs, checklist });
			return checklist;
		});
	}

	/**
	 * Runnable pages: checklists by their `checklist.id`, and incident runbooks by their
	 * `runbook.id` in lower case (`rb-restart-loop`), which rehearsals run.
	 */
	all(): ChecklistPage[] {
		return this.pages().flatMap((c) => {
			const id = c.id ?? runbookChecklistId(c.frontmatter);
			return id ? [{ ...c, id, path: pagePath(c.file, this.dir) }] : [];
		});
	}

	/** The runnable page served at a site path ('/incidents/x/'). */
	byPath(path: string): ChecklistPage | undefined {
		return this.all().find((c) => c.path === path);
	}

	get(id: string): ChecklistPage | undefined {
		return this.all().find((c) => c.id === id);
	}
}

/** The checklist id of an incident runbook page: its `runbook.id` in lower case, or null. */
export function runbookChecklistId(frontmatter: Record<string, unknown>): string | null {
	const id = (frontmatter.runbook as { id?: unknown } | undefined)?.id;
	return typeof id === 'string' ? id.toLowerCase() : null;
}

/**
 * The page file behind a site path ('/incidents/x/' → src/content/docs/incidents/x.mdx), or
 * null when no page has that path.
 */
export function fileForPath(path: string, dir = docsDir()): string | null {
	const slug = path.replace(/^\/|\/$/g, '');
	const candidates = slug ? [`${slug}.mdx`, `${slug}.md`, `${slug}/index.mdx`, `${slug}/index.md`] : ['index.mdx', 'index.md'];
	for (const c of candidates) {
		const file = join(dir, c);
		if (existsSync(file)) return file;
	}
	return null;
}
