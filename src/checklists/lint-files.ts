import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { headingAnchors } from './anchors.ts';
import type { Checklist } from './extract.ts';
import { lintPage, needsParse, preparePage, type Finding } from './lint.ts';

/** A page file to lint: its absolute path, the name findings use, and its site path if it is a docs page. */
export interface FileJob {
	file: string;
	rel: string;
	path: string | null;
}

/** What linting one file yields: its findings, and what the site-wide rules and the scenarios need from it. */
export interface FileResult {
	rel: string;
	path: string | null;
	findings: Finding[];
	/** Check ids the page binds. */
	bound: string[];
	/** Heading anchors, for docs pages that parse. */
	anchors: string[] | null;
	/** The page's checklist, when it parses. */
	checklist: Checklist | null;
}

/** Parses, extracts and lints one page (the per-page rules; see `lintPage`), read from disk unless its source is given. */
export function lintFile(job: FileJob, checkIds: ReadonlySet<string> | null, source = readFileSync(job.file, 'utf8')): FileResult {
	const page = preparePage(source, job.rel, job.path);
	const { findings, bound } = lintPage(page, checkIds);
	return { rel: job.rel, path: job.path, findings, bound, anchors: page.parsed && job.path ? [...headingAnchors(page.parsed.tree)] : null, checklist: page.checklist };
}

/**
 * Threads worth starting for `pages` pages to parse: a worker costs about 0.25 s and 60 MB to
 * load the parser, and parsing a page about 5 ms, so one pays from about 100 pages on, and
 * never more than the cores.
 */
export function defaultThreads(pages: number): number {
	return pages < 100 ? 1 : Math.max(1, Math.min(availableParallelism(), 8, Math.floor(pages / 50)));
}

/**
 * Lints page files in the order given. Every file is read here; only those a rule can find
 * something in are parsed (see `needsParse`), on worker threads when there are many of them
 * (parsing is the cost, and it is CPU-bound). The workers start at once and wait for
 * `checkIds`, so loading the config overlaps with loading the parser.
 *
 * @example
 * await lintFiles([{ file: '/abs/p.md', rel: 'p.md', path: null }], Promise.resolve(null)) // → [{ rel: 'p.md', findings: [], … }]
 */
export async function lintFiles(jobs: readonly FileJob[], checkIds: Promise<readonly string[] | null> | readonly string[] | null, threads?: number): Promise<FileResult[]> {
	const sources = jobs.map((job) => readFileSync(job.file, 'utf8'));
	const results: Array<FileResult | null> = jobs.map((job, i) => (needsParse(sources[i]!, job.rel, job.path) ? null : { rel: job.rel, path: job.path, findings: [], bound: [], anchors: null, checklist: null }));
	const todo = results.flatMap((r, i) => (r === null ? [i] : []));
	const n = threads ?? defaultThreads(todo.length);
	if (n <= 1) {
		const ids = await checkIds;
		const set = ids ? new Set(ids) : null;
		for (const i of todo) results[i] = lintFile(jobs[i]!, set, sources[i]);
		return results as FileResult[];
	}
	const chunks: number[][] = Array.from({ length: n }, () => []);
	todo.forEach((i, k) => chunks[k % n]!.push(i));
	const workers = chunks.map(() => new Worker(new URL('./lint-worker.ts', import.meta.url)));
	try {
		const ids = await checkIds;
		const answers = await Promise.all(
			workers.map(
				(worker, w) =>
					new Promise<FileResult[]>((resolve, reject) => {
						worker.once('message', resolve);
						worker.once('error', reject);
						worker.once('exit', (code) => reject(new Error(`a lint worker stopped (exit ${code}) before it answered`)));
						worker.postMessage({ jobs: chunks[w]!.map((i) => ({ job: jobs[i], source: sources[i] })), checkIds: ids });
					}),
			),
		);
		answers.forEach((answer, w) => answer.forEach((result, k) => (results[chunks[w]![k]!] = result)));
		return results as FileResult[];
	} finally {
		await Promise.all(workers.map((w) => w.terminate()));
	}
}
