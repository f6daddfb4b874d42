import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintNumbers, quantities } from '../../src/checklists/lint-rules/numbers.ts';
import { preparePage, rules } from '../../src/checklists/lint.ts';
import type { ThresholdSource } from '../../src/checks/thresholds.ts';
import { handbook } from '../support/cli.ts';

const storage: ThresholdSource = {
	id: 'node-ephemeral-storage',
	outcomes: [
		{ status: 'fail', when: 'maxUsedPercent >= 60', message: 'at or above 60%: fullest at {maxUsedPercent}%' },
		{ status: 'warn', when: 'maxUsedPercent >= 50', message: 'fullest at {maxUsedPercent}%' },
		{ status: 'pass', message: 'fullest at {maxUsedPercent}%' },
	],
};
const queue: ThresholdSource = {
	id: 'provisioner-queue',
	outcomes: [
		{ status: 'pass', when: 'value == null', message: 'no jobs queued' },
		{ status: 'fail', when: 'value > 60', message: 'p95 queue wait {value} s' },
		{ status: 'warn', when: 'value > 15', message: 'p95 queue wait {value} s' },
		{ status: 'pass', message: 'p95 queue wait {value} s' },
	],
};
const checks = new Map([storage, queue].map((c) => [c.id, c]));

/** Lints a page source the way `checklists lint` does: parsed once, items extracted. */
function lint(source: string) {
	const page = preparePage(source, 'page.mdx', null);
	return lintNumbers({ file: 'page.mdx', source, items: page.checklist!.items }, checks);
}

describe('CK011 threshold-number', () => {
	it('is registered with the other lint rules', () => {
		expect(rules.map((r) => r.id)).toContain('CK011');
	});

	it('reports a page that says 90% beside a check that fails at 60%, with file:line and both numbers', () => {
		const findings = lint('# Storage\n\n- [ ] Node storage under 90% <Check id="node-ephemeral-storage" />\n');
		expect(findings).toHaveLength(1);
		expect(findings[0]).toMatchObject({ file: 'page.mdx', line: 3, rule: 'CK011', severity: 'error' });
		expect(findings[0]!.message).toContain('the page says 90%');
		expect(findings[0]!.message).toContain('fail at or above 60%, warn at or above 50%');
	});

	it('passes the same item when it states the check\'s number', () => {
		expect(lint('- [ ] Node storage under 60% <Check id="node-ephemeral-storage" />\n')).toEqual([]);
		expect(lint('- [ ] Node storage warns from 50% <Check id="node-ephemeral-storage" />\n')).toEqual([]);
	});

	it('compares time in any unit, and leaves dimensions the check does not judge alone', () => {
		expect(lint('- [ ] Queue wait under 15 seconds <Check id="provisioner-queue" />\n')).toEqual([]);
		expect(lint('- [ ] Queue wait under 1 min <Check id="provisioner-queue" />\n')).toEqual([]);
		expect(lint('- [ ] Queue wait under 30 s <Check id="provisioner-queue" />\n').map((f) => f.line)).toEqual([1]);
		// A percentage beside a time rule is not the rule's number.
		expect(lint('- [ ] Queue wait fine for 90% of jobs <Check id="provisioner-queue" />\n')).toEqual([]);
	});

	it('checks the threshold columns of a table row naming the check, not the others', () => {
		const table = (amber: string, red: string, note = 'notes') => `| Signal | Source | Amber | Red | Notes |\n| --- | --- | --- | --- | --- |\n| Storage | node-ephemeral-storage check | ${amber} | ${red} | ${note} |\n`;
		expect(lint(table('50%', '60%', 'alerts page at 70%'))).toEqual([]);
		const bad = lint(table('70%', '85%'));
		expect(bad.map((f) => [f.line, f.message.match(/says (\S+)/)![1]])).toEqual([
			[3, '70%'],
			[3, '85%'],
		]);
		// A table whose header says nothing about thresholds, and code blocks, are not threshold tables.
		expect(lint('| Signal | Notes |\n| --- | --- |\n| node-ephemeral-storage | 90% |\n')).toEqual([]);
		expect(lint('```md\n| a | fail |\n| --- | --- |\n| node-ephemeral-storage | 90% |\n```\n')).toEqual([]);
	});

	it('reads quantities with their units', () => {
		expect(quantities('under 15 seconds, 2 min, 90 % and 7 days; not 2-4 vCPU').map((q) => [q.dimension, q.value])).toEqual([
			['time', 15],
			['time', 120],
			['percent', 90],
			['time', 7 * 86400],
		]);
	});
});

describe('checklists lint runs CK011 against handbook.config.ts', () => {
	const dir = mkdtempSync(join(tmpdir(), 'handbook-ck011-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('fails a page that contradicts the shipped node-ephemeral-storage check, and passes the fixed page', async () => {
		const file = join(dir, 'storage.mdx');
		writeFileSync(file, '---\ntitle: Storage\n---\n\n- [ ] Every node under 90% ephemeral storage <Check id="node-ephemeral-storage" />\n');
		const bad = await handbook(['checklists', 'lint', file, '--format', 'json']);
		expect(bad.code).toBe(3);
		const findings = JSON.parse(bad.stdout).findings ?? JSON.parse(bad.stdout);
		expect(JSON.stringify(findings)).toMatch(/CK011.*the page says 90%.*fail at or above 60%/);
		writeFileSync(file, '---\ntitle: Storage\n---\n\n- [ ] Every node under 60% ephemeral storage <Check id="node-ephemeral-storage" />\n');
		const good = await handbook(['checklists', 'lint', file]);
		expect(good.stdout).not.toContain('CK011');
	}, 120_000);
});
