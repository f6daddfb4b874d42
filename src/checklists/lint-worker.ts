// A lint worker thread (see lintFiles): lints the pages it is sent and answers with the results.
// The parser is imported after V8's compile cache is on, so a worker compiles it from the cache.
import { enableCompileCache } from 'node:module';
import { parentPort } from 'node:worker_threads';
import type { FileJob } from './lint-files.ts';

enableCompileCache();
const { lintFile } = await import('./lint-files.ts');

parentPort!.once('message', ({ jobs, checkIds }: { jobs: Array<{ job: FileJob; source: string }>; checkIds: string[] | null }) => {
	const ids = checkIds ? new Set(checkIds) : null;
	parentPort!.postMessage(jobs.map(({ job, source }) => lintFile(job, ids, source)));
});
