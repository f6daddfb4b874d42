import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { extractChecklist, type Checklist, type InlineText } from './extract.ts';
import { parseFrontmatter, type PageFrontmatter } from './frontmatter.ts';

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

/** A runnable checklist page: its extracted items, its frontmatter as the schemas parse it, and where it is served. */
export interface ChecklistPage extends Checklist {
	id: string;
	path: string;
	/** The handbook's frontmatter keys, parsed with the content collection's schemas (defaults applied). */
	meta: PageFrontmatter;
}

/**
 * The runnable checklists (pages whose frontmatter has `checklist.id`), re-read when a page
 * file changes so the server follows edits without a restart.
 */
export class ChecklistRegistry {
	readonly dir: string;
	#cache = new Map<string, { mtimeMs: number; checklist: Checklist; meta: PageFrontmatter }>();
	#inline: InlineText | undefined;
	#recheckMs: number;
	#last: { at: number; pages: Array<{ checklist: Checklist; meta: PageFrontmatter }> } | undefined;

	/**
	 * `inline`: the text of inline value components (`<Threshold>`) in item texts, see
	 * `extractChecklist`. `recheckMs`: how long the directory listing and the files' times are
	 * trusted before they are looked at again (0, the default: at every call; the server uses a
	 * second, so a request does not list and stat every page each time it needs a checklist).
	 */
	constructor(dir = docsDir(), inline?: InlineText, options: { recheckMs?: number } = {}) {
		this.dir = dir;
		this.#inline = inline;
		this.#recheckMs = options.recheckMs ?? 0;
	}

	/** Every page's extracted checklist (pages without task items included), by file. */
	pages(): Checklist[] {
		return this.#read().map((p) => p.checklist);
	}

	/**
	 * Every page with its frontmatter parsed by the content schemas; a page whose frontmatter does
	 * not match them throws a FrontmatterError naming the file and the field, as the build does.
	 */
	#read(): Array<{ checklist: Checklist; meta: PageFrontmatter }> {
		const now = performance.now();
		if (this.#last && now - this.#last.at < this.#recheckMs) return this.#last.pages;
		const pages = walk(this.dir).map((file) => {
			const mtimeMs = statSync(file).mtimeMs;
			const hit = this.#cache.get(file);
			if (hit && hit.mtimeMs === mtimeMs) return hit;
			const checklist = extractChecklist(readFileSync(file, 'utf8'), file, this.#inline);
			const entry = { mtimeMs, checklist, meta: parseFrontmatter(checklist.frontmatter, file) };
			this.#cache.set(file, entry);
			return entry;
		});
		this.#last = { at: now, pages };
		return pages;
	}

	/**
	 * Runnable pages: checklists by their `checklist.id`, and incident runbooks by their
	 * `runbook.id` in lower case (`rb-restart-loop`), which rehearsals run.
	 */
	all(): ChecklistPage[] {
		return this.#read().flatMap(({ checklist, meta }) => {
			const id = meta.checklist?.id ?? runbookChecklistId(meta);
			return id ? [{ ...checklist, id, path: pagePath(checklist.file, this.dir), meta }] : [];
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

/**
 * The checklist id of an incident runbook page: its `runbook.id` in lower case, or null.
 *
 * @example
 * runbookChecklistId({ runbook: { id: 'RB-RESTART-LOOP', severity: 'P1', checks: [] } }) // → 'rb-restart-loop'
 */
export function runbookChecklistId(frontmatter: Pick<PageFrontmatter, 'runbook'>): string | null {
	return frontmatter.runbook?.id.toLowerCase() ?? null;
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
