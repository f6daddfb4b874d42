import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromHtml } from 'hast-util-from-html';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.ts';
import { startSandbox, type Sandbox } from '../sandbox/sandbox.ts';
import { root } from '../support/site.ts';

const run = promisify(execFile);

/** Runs `handbook …` as a user would (Node 24, the project's bin), never throwing on exit codes. */
async function handbook(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await run(process.execPath, [join(root, 'scripts/handbook.ts'), ...args], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 8 << 20 });
		return { code: 0, stdout, stderr };
	} catch (err) {
		const e = err as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}

/** JUnit test cases as {name, status, failure?}. */
function junitCases(xml: string) {
	const tree = fromHtml(xml, { fragment: true });
	const cases: Array<{ name: string; status: string; failure: boolean; error: boolean }> = [];
	const walk = (n: any) => {
		if (n.tagName === 'testcase') {
			const status = n.children.find((c: any) => c.tagName === 'properties')?.children.find((c: any) => c.tagName === 'property')?.properties.value;
			cases.push({ name: n.properties.name, status, failure: n.children.some((c: any) => c.tagName === 'failure'), error: n.children.some((c: any) => c.tagName === 'error') });
		}
		for (const c of n.children ?? []) walk(c);
	};
	walk(tree);
	return cases;
}

let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
	sandbox = await startSandbox();
	env = { ...sandbox.env, HANDBOOK_DATA_DIR: join(sandbox.dir, 'data') };
}, 60_000);
afterAll(async () => sandbox?.stop());

describe('npx handbook checks', () => {
	it('lists the catalogue of an environment', async () => {
		const { code, stdout } = await handbook(['checks', 'list', '--env', 'local'], env);
		expect(code).toBe(0);
		expect(stdout).toMatch(/^27 checks in local:/);
		expect(stdout).toMatch(/tls-expiry +tls +per region +public/);
	});

	it('runs the pre-workshop checklist as JUnit, one case per check and region, exit 0 when all pass', async () => {
		const { code, stdout } = await handbook(['checks', 'run', 'pre-workshop', '--env', 'local', '--format', 'junit'], env);
		const cases = junitCases(stdout);
		// 22 checks bound on the page; seven run per region (3 regions): 15 + 7 × 3.
		expect(cases).toHaveLength(39);
		expect(cases.filter((c) => c.name.startsWith('tls-expiry')).map((c) => c.name)).toEqual(['tls-expiry [us-east-2]', 'tls-expiry [us-west-2]', 'tls-expiry [eu-west-2]']);
		expect(cases.filter((c) => c.status !== 'pass')).toEqual([]);
		expect(code).toBe(0);
		expect(stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="handbook" tests="39" failures="0" errors="0"/);
	});

	it('exits 4 on a warning and 3 on a failure, naming what is wrong', async () => {
		sandbox.setFaults({ keyDaysLeft: 10 });
		const warn = await handbook(['checks', 'run', 'litellm-key-expiry', 'healthz', '--env', 'local'], env);
		expect(warn.code).toBe(4);
		expect(warn.stdout).toMatch(/WARN +litellm-key-expiry +the key workshop-oregon expires in (9\.9|10) days/);

		sandbox.setFaults({ oddDigestRegion: 'eu-west-2' });
		const fail = await handbook(['checks', 'run', 'image-consistency', '--env', 'local', '--format', 'junit'], env);
		expect(fail.code).toBe(3);
		const [image] = junitCases(fail.stdout);
		expect(image).toMatchObject({ status: 'fail', failure: true });
		expect(fail.stdout).toMatch(/eu-west-2 runs sha256:9c1d2e3b.*, the others sha256:3f0e2c1a/);
		sandbox.setFaults({});
	});

	it('stores a CLI run like one from the page', async () => {
		const { stdout } = await handbook(['checks', 'run', 'pre-workshop', '--env', 'local', '--format', 'json', '--workshop', '2026-12'], { ...env, HANDBOOK_ACTOR: 'Cli Tester' });
		const out = JSON.parse(stdout);
		const store = await openStore({ dataDir: env.HANDBOOK_DATA_DIR, databaseUrl: undefined });
		try {
			const record = await store.record(out.run);
			expect(record.run).toMatchObject({ checklist: 'pre-workshop', environment: 'local', workshop: '2026-12', createdBy: 'Cli Tester' });
			expect(record.results).toHaveLength(39);
			expect(record.results.every((r) => r.state === 'done')).toBe(true);
		} finally {
			await store.close();
		}
	});

	it('exits 2 with a usage message for bad arguments and an unknown checklist', async () => {
		const bad = await handbook(['checks', 'run', 'pre-workshop', '--format', 'xml'], env);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/--format is one of text, json, junit/);
		const unknown = await handbook(['checks', 'run', 'no-such-list', '--env', 'local'], env);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(/unknown checklist or check: no-such-list/);
		expect((await handbook([], env)).code).toBe(2);
	});

	it('exits 2 on a bad config, naming every problem and its path', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'handbook-badcfg-'));
		const file = join(dir, 'handbook.config.ts');
		writeFileSync(file, `export default { defaultEnvironment: 'x', environments: { x: { title: 'x', regions: [] } }, checks: [{ id: 'a', title: 'a', kind: 'nope', runbook: '/', outcomes: [] }] };\n`);
		const { code, stderr } = await handbook(['checks', 'list'], { HANDBOOK_CONFIG: file, HANDBOOK_DATA_DIR: dir });
		expect(code).toBe(2);
		expect(stderr).toContain(`${file} is invalid:`);
		expect(stderr).toContain('environments.x.regions: an environment needs at least one region');
		expect(stderr).toContain('checks[0] (a).outcomes: a check needs outcome rules');
	});

	it('keeps a secret out of its output even when the probed program prints it', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'handbook-canary-'));
		const file = join(dir, 'handbook.config.ts');
		const config = {
			defaultEnvironment: 'local',
			environments: { local: { title: 'l', regions: [{ name: 'r', title: 'r', host: '127.0.0.1', wildcard: '*.example.test', kubeContext: 'r', proxy: 'primary' }], secrets: { canary: 'HANDBOOK_CANARY' } } },
			checks: [
				{
					id: 'ecr-mirror-current', title: 'c', kind: 'command', runbook: '/incidents/',
					params: { argv: [process.execPath, '-e', 'console.log(process.env.T); console.error("token " + process.env.T); process.exit(1)'], env: { T: 'secret:canary' } },
					outcomes: [{ status: 'fail', when: 'exitCode == 1', message: 'printed {stdout} / {stderr}' }, { status: 'pass', message: 'ok' }],
				},
			],
		};
		writeFileSync(file, `export default ${JSON.stringify(config)};\n`);
		for (const format of ['text', 'json', 'junit']) {
			const out = await handbook(['checks', 'run', 'ecr-mirror-current', '--format', format], { HANDBOOK_CONFIG: file, HANDBOOK_DATA_DIR: dir, HANDBOOK_CANARY: 'canary-9b8c7d6e5f' });
			expect(out.code).toBe(3);
			expect(out.stdout + out.stderr).toContain('[redacted]');
			expect(out.stdout + out.stderr).not.toContain('canary-9b8c7d6e5f');
		}
	});
});
