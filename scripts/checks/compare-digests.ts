#!/usr/bin/env node
// Compares the digest of a source image with its mirror using `crane digest` (go-containerregistry).
// Exit 0: same digest; 1: different; 127: crane missing; 2: usage. Prints {"source","mirror"} as JSON.
// An argument "env:NAME" takes the image reference from the environment variable NAME.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

function reference(arg: string | undefined): string {
	if (!arg) throw Object.assign(new Error('usage: compare-digests.ts <source-image> <mirror-image | env:VAR>'), { exit: 2 });
	if (!arg.startsWith('env:')) return arg;
	const value = process.env[arg.slice(4)];
	if (!value) throw Object.assign(new Error(`${arg.slice(4)} is not set: export the mirror image reference (e.g. <account>.dkr.ecr.us-east-2.amazonaws.com/coder-preview:latest)`), { exit: 2 });
	return value;
}

async function digest(ref: string): Promise<string> {
	const { stdout } = await run('crane', ['digest', ref], { timeout: 25_000 });
	return stdout.trim();
}

try {
	const [source, mirror] = [reference(process.argv[2]), reference(process.argv[3])];
	const [a, b] = await Promise.all([digest(source), digest(mirror)]);
	process.stdout.write(JSON.stringify({ source: a, mirror: b }) + '\n');
	process.exitCode = a === b ? 0 : 1;
} catch (err) {
	const e = err as NodeJS.ErrnoException & { exit?: number; stderr?: string };
	if (e.code === 'ENOENT') {
		process.stderr.write('crane is not installed or not on PATH (https://github.com/google/go-containerregistry)\n');
		process.exitCode = 127;
	} else {
		process.stderr.write(`${(e.stderr || e.message).trim()}\n`);
		process.exitCode = e.exit ?? 3;
	}
}
