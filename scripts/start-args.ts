import { readFileSync } from 'node:fs';

/**
 * The Node arguments of `npm start` (package.json's `start` script without its leading `node`):
 * the sandbox and the tests start the server with exactly these, so the V8 settings there are
 * the ones measured. `--max-semi-space-size=4` keeps V8's young generation at 4 MiB a half: its
 * collections then pause the server for a few milliseconds instead of the 15 to 40 ms of the
 * default 32 MiB, which a health check or a live stream would otherwise wait through
 * (bench/sse.bench.ts), and the server's resident memory is about a third lower.
 */
export function startArgs(packageJson = new URL('../package.json', import.meta.url)): string[] {
	const start = (JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts?: { start?: string } }).scripts?.start ?? '';
	const [command, ...args] = start.trim().split(/\s+/);
	if (command !== 'node' || !args.some((a) => a.endsWith('scripts/serve.ts'))) throw new Error(`package.json: scripts.start must be "node [node options] ./scripts/serve.ts", not "${start}"`);
	return args;
}
