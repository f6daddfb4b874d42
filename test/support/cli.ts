import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from './site.ts';

const run = promisify(execFile);

/**
 * Runs `handbook …` as a user would (Node 24, the project's bin, from `cwd`), never throwing on
 * exit codes.
 */
export async function handbook(args: string[], env: Record<string, string> = {}, cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await run(process.execPath, [join(cwd, 'scripts/handbook.ts'), ...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 8 << 20 });
		return { code: 0, stdout, stderr };
	} catch (err) {
		const e = err as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}
