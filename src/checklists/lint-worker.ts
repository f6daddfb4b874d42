// A lint worker thread (see lintFiles): lints the pages it is sent and answers with the results.
import { parentPort } from 'node:worker_threads';
import { lintFile, type FileJob } from './lint-files.ts';

parentPort!.once('message', ({ jobs, checkIds }: { jobs: Array<{ job: FileJob; source: string }>; checkIds: string[] | null }) => {
	const ids = checkIds ? new Set(checkIds) : null;
	parentPort!.postMessage(jobs.map(({ job, source }) => lintFile(job, ids, source)));
});
