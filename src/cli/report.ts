import type { CheckResult } from '../checks/runner.ts';
import { worstStatus } from '../checks/runner.ts';
import type { Status } from '../checks/types.ts';

/** Exit codes a script can branch on (troubleshoot's convention). */
export const exitCodes = { pass: 0, usage: 2, fail: 3, warn: 4 } as const;

/** The exit code for a set of results: 3 on any fail or error, else 4 on any warning, else 0. */
export function exitCodeFor(results: readonly CheckResult[]): number {
	const worst = worstStatus(results.map((r) => r.status));
	return worst === 'fail' || worst === 'error' ? exitCodes.fail : worst === 'warn' ? exitCodes.warn : exitCodes.pass;
}

const symbols: Record<Status, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

/** One line per check and region, worst first within the order given, then a summary. */
export function formatText(title: string, results: readonly CheckResult[], runbookOf: (checkId: string) => string | undefined): string {
	const lines = [title, ''];
	const width = Math.max(...results.map((r) => r.checkId.length + (r.region ? r.region.length + 3 : 0)), 10);
	for (const r of results) {
		const name = r.region ? `${r.checkId} [${r.region}]` : r.checkId;
		lines.push(`${symbols[r.status].padEnd(5)}  ${name.padEnd(width)}  ${r.message}  (${r.durationMs} ms)`);
		const runbook = runbookOf(r.checkId);
		if ((r.status === 'fail' || r.status === 'error') && runbook) lines.push(`${' '.repeat(7 + width)}  runbook: ${runbook}`);
	}
	const count = (s: Status) => results.filter((r) => r.status === s).length;
	lines.push('', `${count('pass')} passed, ${count('warn')} warned, ${count('fail')} failed, ${count('error')} errors, ${count('skipped')} skipped`);
	return lines.join('\n');
}

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/**
 * JUnit XML with one test case per check and region: fail → <failure>, error → <error>,
 * skipped → <skipped>; a warning passes with the message in <system-out> and a status property.
 */
export function formatJunit(suite: string, results: readonly CheckResult[]): string {
	const seconds = (ms: number) => (ms / 1000).toFixed(3);
	const cases = results.map((r) => {
		const name = r.region ? `${r.checkId} [${r.region}]` : r.checkId;
		const head = `    <testcase classname="${xml(suite)}.${xml(r.checkId)}" name="${xml(name)}" time="${seconds(r.durationMs)}">`;
		const body = [`      <properties><property name="status" value="${r.status}"/></properties>`];
		if (r.status === 'fail') body.push(`      <failure message="${xml(r.message)}" type="fail">${xml(JSON.stringify(r.observed))}</failure>`);
		if (r.status === 'error') body.push(`      <error message="${xml(r.message)}" type="error">${xml(JSON.stringify(r.observed))}</error>`);
		if (r.status === 'skipped') body.push(`      <skipped message="${xml(r.message)}"/>`);
		body.push(`      <system-out>${xml(`${r.status}: ${r.message}`)}</system-out>`);
		return [head, ...body, '    </testcase>'].join('\n');
	});
	const n = (s: Status) => results.filter((r) => r.status === s).length;
	const total = results.reduce((t, r) => t + r.durationMs, 0);
	return [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<testsuites name="handbook" tests="${results.length}" failures="${n('fail')}" errors="${n('error')}" skipped="${n('skipped')}" time="${seconds(total)}">`,
		`  <testsuite name="${xml(suite)}" tests="${results.length}" failures="${n('fail')}" errors="${n('error')}" skipped="${n('skipped')}" time="${seconds(total)}" timestamp="${results[0]?.startedAt ?? new Date().toISOString()}">`,
		...cases,
		'  </testsuite>',
		'</testsuites>',
		'',
	].join('\n');
}
