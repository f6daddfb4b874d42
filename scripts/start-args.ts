import { readFileSync } from 'node:fs';

/**
 * The Node arguments of `npm start` (package.json's `start` script without its leading `node`):
 * the sandbox and the tests start the server with exactly these, so the V8 settings there are
 * the ones measured. `--max-semi-space-size=4` keeps V8's young generation at 4 MiB a half: its
 * collections then pause the server for a few milliseconds instead of the 15 to 40 ms of the
 * default 32 MiB, which a health check or a live stream would otherwise wait through
 * (bench/sse.bench.ts), and the server's resident memory is about a third lower.
 * `--v8-pool-size=0` gives V8 as many helper threads (garbage collection, compilation) as the
 * machine has cores less one, instead of Node's fixed four: on a two-core server the four
 * competed with the event loop for the cores, and a health check's p99 during a burst of live
 * streams was 10–16 ms with them against 5–7 ms with one (bench/sse.bench.ts).
 */
export function startArgs(packageJson = new URL('../package.json', import.meta.url)): string[] {
	const start = (JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts?: { start?: string } }).scripts?.start ?? '';
	const [command, ...args] = start.trim().split(/\s+/);
	if (command !== 'node' || !args.some((a) => a.endsWith('scripts/serve.ts'))) throw new Error(`package.json: scripts.start must be "node [node options] ./scripts/serve.ts", not "${start}"`);
	return args;
}
