import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { headingAnchors } from './anchors.ts';
import type { Checklist } from './extract.ts';
import { lintPage, preparePage, type Finding } from './lint.ts';

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

/** Reads, parses, extracts and lints one page (the per-page rules; see `lintPage`). */
export function lintFile(job: FileJob, checkIds: ReadonlySet<string> | null): FileResult {
	const page = preparePage(readFileSync(job.file, 'utf8'), job.rel, job.path);
	const { findings, bound } = lintPage(page, checkIds);
	return { rel: job.rel, path: job.path, findings, bound, anchors: page.parsed && job.path ? [...headingAnchors(page.parsed.tree)] : null, checklist: page.checklist };
}

/** Threads worth starting for `files` pages: parsing dominates, and a worker costs ~0.2 s to start. */
export function defaultThreads(files: number): number {
	return files < 100 ? 1 : Math.max(1, Math.min(availableParallelism(), 8, Math.floor(files / 50)));
}

/**
 * Lints page files, on worker threads when there are many (parsing is the cost, and it is
 * CPU-bound), in the order given. The workers start at once and wait for `checkIds`, so
 * loading the config overlaps with loading the parser.
 *
 * @example
 * await lintFiles([{ file: '/abs/p.md', rel: 'p.md', path: null }], Promise.resolve(null)) // → [{ rel: 'p.md', findings: [], … }]
 */
export async function lintFiles(jobs: readonly FileJob[], checkIds: Promise<readonly string[] | null> | readonly string[] | null, threads = defaultThreads(jobs.length)): Promise<FileResult[]> {
	if (threads <= 1) {
		const ids = await checkIds;
		const set = ids ? new Set(ids) : null;
		return jobs.map((job) => lintFile(job, set));
	}
	const chunks: FileJob[][] = Array.from({ length: threads }, () => []);
	jobs.forEach((job, i) => chunks[i % threads]!.push(job));
	const workers = chunks.map(() => new Worker(new URL('./lint-worker.ts', import.meta.url)));
	try {
		const ids = await checkIds;
		const results = await Promise.all(
			workers.map(
				(worker, w) =>
					new Promise<FileResult[]>((resolve, reject) => {
						worker.once('message', resolve);
						worker.once('error', reject);
						worker.once('exit', (code) => reject(new Error(`a lint worker stopped (exit ${code}) before it answered`)));
						worker.postMessage({ jobs: chunks[w], checkIds: ids });
					}),
			),
		);
		return jobs.map((_, i) => results[i % threads]![Math.floor(i / threads)]!);
	} finally {
		await Promise.all(workers.map((w) => w.terminate()));
	}
}
