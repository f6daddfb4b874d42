import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import command from '../../../src/checks/kinds/command.ts';
import { compileRules, evaluateOutcome } from '../../../src/checks/outcome.ts';
import { ProbeError } from '../../../src/checks/types.ts';
import { atBoundary, probeContext } from '../../support/probe-context.ts';

const NODE = process.execPath;
// The exit-code convention of a checking script: 0 pass, 1 fail, 2 warn, anything else an error.
const rules = compileRules([
	{ status: 'fail', when: 'exitCode == 1', message: '{stdout}' },
	{ status: 'warn', when: 'exitCode == 2', message: '{stdout}' },
	{ status: 'pass', when: 'exitCode == 0', message: '{stdout}' },
	{ status: 'error', message: 'exit {exitCode}: {stderr}' },
]);

// Through the runner's boundary (redact, then cut), as every result leaves the engine.
const observe = async (params: unknown, context = probeContext({ timeoutMs: 10_000 })) => atBoundary(await command.observe(command.params.parse(params), context), command, context);
const script = (source: string, ...args: string[]) => ({ argv: [NODE, '-e', source, ...args] });

const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	tempDirs.push(dir);
	return dir;
};
afterAll(() => {
	for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Whether a process is gone (or a zombie nobody has reaped yet). */
function gone(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
	} catch {
		return true;
	}
}

async function waitGone(pids: number[], timeoutMs = 1_000): Promise<boolean> {
	const until = Date.now() + timeoutMs;
	while (Date.now() < until) {
		if (pids.every(gone)) return true;
		await new Promise((r) => setTimeout(r, 20));
	}
	return pids.every(gone);
}

describe('command kind', () => {
	it.each([
		[0, 'pass'],
		[1, 'fail'],
		[2, 'warn'],
		[3, 'error'],
	] as const)('observes exit code %i (%s by the 0/1/2 convention)', async (code, status) => {
		const observed = await observe(script(`console.log('digest matches'); console.error('note'); process.exit(${code})`));
		expect(observed).toEqual({ exitCode: code, signal: null, stdout: 'digest matches', stderr: 'note', json: null });
		expect(evaluateOutcome(rules, observed).status).toBe(status);
	});

	it('parses JSON on stdout', async () => {
		const observed = await observe(script(`console.log(JSON.stringify({ source: 'sha256:aaa', mirror: 'sha256:bbb', same: false }, null, 2))`));
		expect(observed.json).toEqual({ source: 'sha256:aaa', mirror: 'sha256:bbb', same: false });
		const mismatch = compileRules([
			{ status: 'fail', when: 'json.same == false', message: 'mirror {json.mirror} differs from {json.source}' },
			{ status: 'pass', message: 'mirror current' },
		]);
		expect(evaluateOutcome(mismatch, observed)).toEqual({ status: 'fail', message: 'mirror sha256:bbb differs from sha256:aaa' });
	});

	it('throws a ProbeError when the program is not installed', async () => {
		const err = await observe({ argv: ['handbook-no-such-tool', 'digest', 'x'] }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ProbeError);
		expect((err as Error).message).toBe('handbook-no-such-tool is not installed or not on PATH');
	});

	it('passes argv literally: no shell interprets ; $(…) ` * or quotes', async () => {
		const marker = join(tempDir('handbook-cmd-'), 'pwned');
		const args = ['a; touch ' + marker, `$(touch ${marker})`, `\`touch ${marker}\``, '*', '"quoted" \'single\'', '$HOME', '| cat'];
		const observed = await observe(script('console.log(JSON.stringify(process.argv.slice(1)))', ...args));
		expect(observed.json).toEqual(args);
		const echo = await observe({ argv: ['echo', 'hello;', 'echo', `$(touch ${marker})`] });
		expect(echo.stdout).toBe(`hello; echo $(touch ${marker})`);
		expect(existsSync(marker)).toBe(false);
	});

	it('kills the program and its children at the deadline', async () => {
		const source = `
			const { spawn } = require('node:child_process');
			const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
			console.log(JSON.stringify([process.pid, child.pid]));
			setInterval(() => {}, 1000);
		`;
		const started = performance.now();
		const err = await observe(script(source), probeContext({ timeoutMs: 700 })).catch((e: unknown) => e);
		const elapsed = performance.now() - started;
		expect(err).toBeInstanceOf(ProbeError);
		expect((err as Error).message).toBe(`${NODE} did not finish before the deadline and was killed`);
		expect(elapsed).toBeGreaterThanOrEqual(650);
		expect(elapsed).toBeLessThan(1_500);
		const pids = JSON.parse((err as ProbeError).observed.stdout as string) as number[];
		expect(pids).toHaveLength(2);
		expect(await waitGone(pids)).toBe(true);
	});

	it('kills a `sleep 30` at the deadline', async () => {
		const started = performance.now();
		const err = await observe({ argv: ['sleep', '30'] }, probeContext({ timeoutMs: 300 })).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ProbeError);
		expect(performance.now() - started).toBeLessThan(1_000);
	});

	it('returns when the program exits, killing children it left holding the output open', async () => {
		const source = `
			const { spawn } = require('node:child_process');
			const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
			console.log(child.pid);
			process.exit(0);
		`;
		const started = performance.now();
		const observed = await observe(script(source), probeContext({ timeoutMs: 5_000 }));
		expect(observed.exitCode).toBe(0);
		expect(performance.now() - started).toBeLessThan(2_000);
		expect(await waitGone([Number(observed.stdout)])).toBe(true);
	});

	it('passes a secret through env without it appearing in any observed value', async () => {
		const secret = 'ghp_S3cretValue_9d2f';
		const digest = createHash('sha256').update(secret).digest('hex');
		const source = `
			const token = process.env.REGISTRY_TOKEN;
			console.log(JSON.stringify({ sha: require('node:crypto').createHash('sha256').update(token).digest('hex'), echo: token }));
			console.error('using token ' + token);
		`;
		const observed = await observe(
			{ ...script(source), env: { REGISTRY_TOKEN: 'secret:registryToken', PLAIN: 'x' } },
			probeContext({ secrets: { registryToken: secret } }),
		);
		expect(observed.json).toEqual({ sha: digest, echo: '[redacted]' });
		expect(observed.stderr).toBe('using token [redacted]');
		expect(JSON.stringify(observed)).not.toContain(secret);
	});

	it('does not hand the environment variables of declared secrets to a program not given them', async () => {
		// probeContext declares secret "coderToken" as variable TEST_CODERTOKEN.
		process.env.TEST_CODERTOKEN = 'engine-only-value';
		try {
			const observed = await observe(script('console.log(process.env.TEST_CODERTOKEN ?? "unset")'), probeContext({ secrets: { coderToken: 'engine-only-value' } }));
			expect(observed.stdout).toBe('unset');
		} finally {
			delete process.env.TEST_CODERTOKEN;
		}
	});

	it('runs in cwd, and throws a ProbeError for a cwd that does not exist', async () => {
		const dir = tempDir('handbook-cwd-');
		expect((await observe({ ...script('console.log(process.cwd())'), cwd: dir })).stdout).toBe(realpathSync(dir));
		const err = await observe({ ...script('1'), cwd: join(dir, 'missing') }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ProbeError);
		expect((err as Error).message).toBe(`cwd ${join(dir, 'missing')} of ${NODE} is not a directory`);
	});

	it('caps output and reports a program ended by a signal', async () => {
		const big = await observe(script(`process.stdout.write('x'.repeat(200_000))`));
		expect(big.stdout).toHaveLength(2_000);
		const killed = await observe(script(`process.kill(process.pid, 'SIGTERM'); setInterval(() => {}, 1000)`));
		expect(killed).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
		expect(evaluateOutcome(rules, killed)).toEqual({ status: 'error', message: 'exit none: ' });
	});

	it('requires a program', () => {
		expect(command.params.safeParse({ argv: [] }).success).toBe(false);
		expect(command.params.safeParse({ argv: ['x'], env: { 'BAD-NAME': 'v' } }).success).toBe(false);
	});
});
