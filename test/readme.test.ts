import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './support/site.ts';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const ci = readFileSync(join(root, '.ci/run'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The fenced `sh` blocks of the README's "Set up on a fresh machine" section. */
function setupCommands(): string[] {
	const section = readme.split(/^## /m).find((s) => s.startsWith('Set up on a fresh machine'));
	if (!section) throw new Error('README.md has no "## Set up on a fresh machine" section');
	return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
}

describe('README', () => {
	it('gives exactly two one-line set-up commands: start, then test', () => {
		const commands = setupCommands();
		expect(commands).toHaveLength(2);
		for (const c of commands) expect(c.split('\n')).toHaveLength(1);
		expect(commands[0]).toMatch(/^npm ci && .*npm start$/);
		expect(commands[1]).toMatch(/^npm ci && npm test$/);
	});

	it('has .ci/run run the test command verbatim', () => {
		const test = setupCommands()[1]!;
		const lines = ci.split('\n').map((l) => l.trim());
		expect(lines.some((l) => l.startsWith(test))).toBe(true);
	});

	it('names only npm scripts that exist', () => {
		const used = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
		for (const script of new Set(used)) expect(pkg.scripts, `npm run ${script}`).toHaveProperty(script);
		expect(pkg.scripts).toHaveProperty('start');
		expect(pkg.scripts).toHaveProperty('test');
	});

	it('says which Node it brings and which it needs, as package.json has them', () => {
		const major = String(pkg.devDependencies.node).match(/\d+/)![0];
		const setup = readme.split(/^## /m).find((s) => s.startsWith('Set up on a fresh machine'))!;
		expect(setup).toContain(`Node ${major}`);
		expect(setup).toContain(`\`node@${major}\``);
		expect(setup).toContain(`\`${pkg.engines.node}\``);
	});

	it('runs npm scripts and npx on the Node it brings, whatever Node is on the PATH', () => {
		// The machine's own npm (with its Node, 20 on a fresh machine) first on the PATH, as a newcomer has it.
		const path = ['/usr/local/bin', '/usr/bin', '/bin'].join(':');
		const version = execFileSync('npm', ['exec', '--no', '--', 'node', '-p', 'process.version'], { cwd: root, env: { ...process.env, PATH: path }, encoding: 'utf8' }).trim();
		expect(version.match(/^v(\d+)/)![1]).toBe(String(pkg.devDependencies.node).match(/\d+/)![0]);
	});
});
