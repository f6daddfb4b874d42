import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { CUT } from '../redact.ts';
import { ProbeError, type Kind } from '../types.ts';
import { resolveSecretRefs } from '../secrets.ts';

export const params = z.strictObject({
	/** The program and its arguments, passed as they are: no shell ever interprets them. */
	argv: z.array(z.string().min(1)).min(1, { error: 'give the program to run, e.g. ["crane", "digest", "…"]' }),
	cwd: z.string().min(1).optional(),
	/**
	 * The program's environment besides PATH, HOME and the locale: the only way a variable (and a
	 * secret, as `secret:NAME`) reaches it. This is the check's declaration of the secrets it uses.
	 * `env:NAME` passes the engine's own variable NAME (left out when unset).
	 */
	env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'an environment variable name such as "REGISTRY_TOKEN"' }), z.string()).optional(),
});

/** Output kept per stream; the rest is read and dropped so the program never blocks on a full pipe. */
const MAX_CAPTURE_BYTES = 64 * 1024;
/** What a program inherits from the engine's environment: nothing that could hold a secret. */
const INHERITED = /^(PATH|HOME|LANG|LANGUAGE|LC_[A-Z_]+|TZ)$/;

/**
 * The environment of a check's program: PATH, HOME and the locale of the engine, then the
 * variables the check declares in `env` (secrets among them).
 */
export function programEnvironment(declared: Record<string, string>, source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(source)) if (INHERITED.test(name) && value !== undefined) env[name] = value;
	for (const [name, value] of Object.entries(declared)) {
		const passed = ENV_REF.exec(value);
		if (!passed) env[name] = value;
		else if (source[passed[1]!] !== undefined) env[name] = source[passed[1]!];
	}
	return env;
}

const ENV_REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

function capture(stream: Readable): () => string {
	const chunks: Buffer[] = [];
	let size = 0;
	stream.on('data', (chunk: Buffer) => {
		if (size >= MAX_CAPTURE_BYTES) return;
		chunks.push(chunk.subarray(0, MAX_CAPTURE_BYTES - size));
		size += chunk.length;
	});
	stream.on('error', () => {});
	// A cut output ends in CUT: the redactor removes a secret the cut split.
	return () => Buffer.concat(chunks).toString('utf8') + (size > MAX_CAPTURE_BYTES ? CUT : '');
}

function killGroup(pid: number | undefined): void {
	if (pid === undefined) return;
	try {
		process.kill(-pid, 'SIGKILL');
	} catch {
		// ESRCH: the group is already gone.
	}
}

function parseJson(text: string): unknown {
	if (!text) return null;
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

/**
 * Runs a program (no shell: `argv` is passed literally) in its own process group and observes
 * its exit code and output. The program gets only PATH, HOME and the locale from the engine's
 * environment, plus what the check declares in `env`; a secret reaches it only as `secret:NAME`
 * there, and is redacted from the output by the runner. At the deadline the whole process group is
 * killed with SIGKILL, and once the program exits any children it left behind are killed too.
 * A missing program, or a program still running at the deadline, is a ProbeError. Outcome rules
 * express conventions such as exit 0/1/2 = pass/fail/warn (`exitCode == 1` → fail).
 *
 * Observed values:
 * - `exitCode` (number | null): the exit code, null when a signal ended the program.
 * - `signal` (string | null): the signal that ended it (e.g. "SIGSEGV"), else null.
 * - `stdout` (string): standard output, trimmed, first 2000 characters (cut after redaction).
 * - `stderr` (string): standard error, trimmed, first 2000 characters (cut after redaction).
 * - `json` (unknown): the standard output parsed as JSON (up to 64 KiB), or null when it is not JSON.
 */
const command: Kind<z.output<typeof params>> = {
	name: 'command',
	params,
	async observe(p, ctx) {
		const [program, ...args] = p.argv as [string, ...string[]];
		const declared = resolveSecretRefs(p.env, ctx, 'env');
		if (p.cwd !== undefined && !statSync(p.cwd, { throwIfNoEntry: false })?.isDirectory()) {
			throw new ProbeError(`cwd ${p.cwd} of ${program} is not a directory`);
		}
		const env = programEnvironment(declared);
		if (ctx.signal.aborted) throw new ProbeError(`${program} was not started: the deadline had passed`);

		const child = spawn(program, args, { cwd: p.cwd, env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
		const stdout = capture(child.stdout!);
		const stderr = capture(child.stderr!);
		// Whole: the runner redacts, then cuts to 2000 characters.
		const shown = (text: string) => text.trim();

		const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
			let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
			let lingering: NodeJS.Timeout | undefined;
			const settle = () => {
				ctx.signal.removeEventListener('abort', onAbort);
				clearTimeout(lingering);
				child.stdout!.destroy();
				child.stderr!.destroy();
			};
			const onAbort = () => {
				killGroup(child.pid);
				settle();
				reject(new ProbeError(`${program} did not finish before the deadline and was killed`, { stdout: shown(stdout()), stderr: shown(stderr()) }));
			};
			ctx.signal.addEventListener('abort', onAbort, { once: true });
			child.once('error', (err: NodeJS.ErrnoException) => {
				killGroup(child.pid);
				settle();
				if (err.code === 'ENOENT') reject(new ProbeError(`${program} is not installed or not on PATH`));
				else if (err.code === 'EACCES') reject(new ProbeError(`${program} is not executable (EACCES)`));
				else reject(new ProbeError(`${program} could not be started: ${err.code ?? err.message}`));
			});
			child.once('exit', (code, signal) => {
				exit = { code, signal };
				// Children left behind would outlive the probe and hold the pipes open.
				killGroup(child.pid);
				lingering = setTimeout(() => {
					settle();
					resolve(exit!);
				}, 1_000);
			});
			child.once('close', () => {
				if (!exit) return;
				settle();
				resolve(exit);
			});
		});
		const out = stdout();
		return {
			exitCode: ended.code,
			signal: ended.signal,
			stdout: shown(out),
			stderr: shown(stderr()),
			json: parseJson(out.trim()),
		};
	},
};

export default command;
