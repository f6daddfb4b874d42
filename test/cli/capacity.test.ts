import { describe, expect, it } from 'vitest';

// Each case starts the CLI (Node, the config and the kinds): slow on a loaded machine.
const slow = 60_000;
import { handbook } from '../support/cli.ts';

/** `handbook capacity --format json` parsed. */
async function json(users: string, ...more: string[]) {
	const r = await handbook(['capacity', '--users', users, '--format', 'json', ...more]);
	expect(r.stderr).toBe('');
	expect(r.code).toBe(0);
	return JSON.parse(r.stdout);
}

describe('handbook capacity (the planner headless)', () => {
	it('gives 18 users a LiteLLM floor of 4 and a provisioner floor of 10', async () => {
		const r = await json('18');
		expect(r).toMatchObject({ users: 18, row: '16-20', provisioners: { min: 10, recommended: 10 }, litellmReplicas: { min: 4, recommended: 6 } });
		expect(r.nodes.recommended).toBeGreaterThan(0);
		expect(r.storage).toMatchObject({ maxPercent: 60, warnPercent: 50, ok: true });
	}, slow);

	// Every row of the sources' table, at both edges of each.
	it.each([
		['0', 6, 6, 4, 4],
		['9', 6, 6, 4, 4],
		['10', 8, 8, 4, 4],
		['15', 8, 8, 4, 4],
		['16', 10, 10, 4, 6],
		['20', 10, 10, 4, 6],
		['21', 12, 15, 6, 8],
		['30', 12, 15, 6, 8],
	])('%s users → provisioners %i-%i, LiteLLM %i-%i', async (users, pMin, pRec, lMin, lRec) => {
		const r = await json(users);
		expect(r.provisioners).toEqual({ min: pMin, recommended: pRec });
		expect(r.litellmReplicas).toEqual({ min: lMin, recommended: lRec });
	}, slow);

	it('plans the worked example on 7 nodes: the packing fails, 8 are recommended', async () => {
		const r = await json('15', '--nodes', '7');
		expect(r.nodes).toMatchObject({ planned: 7, recommended: 8, workspacesPerNode: 3 });
		expect(r.resources).toEqual({ cpu: 60, memoryGiB: 120 });
	}, slow);

	it('prints the floors and recommendations as text', async () => {
		const r = await handbook(['capacity', '--users', '25']);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('provisioner replicas (default org): 12 at least, 15 recommended');
		expect(r.stdout).toContain('LiteLLM replicas:                   6 at least, 8 recommended');
	}, slow);

	it.each([
		[['capacity'], /capacity needs --users N/],
		[['capacity', '--users', 'many'], /--users is a whole number, not "many"/],
		[['capacity', '--users=-3'], /--users is a whole number, not "-3"/],
		[['capacity', '--users', '2.5'], /--users is a whole number, not "2.5"/],
		[['capacity', '--users', '10', '--format', 'yaml'], /--format is one of text, json, not "yaml"/],
		[['capacity', '--users', '10', '--node-cpu', '0'], /--node-cpu is a positive number, not "0"/],
		[['capacity', '--users', '10', '--env', 'nowhere'], /unknown environment "nowhere"/],
	])('refuses %j with exit 2 and the reason', async (args, reason) => {
		const r = await handbook(args);
		expect(r.code).toBe(2);
		expect(r.stdout).toBe('');
		expect(r.stderr).toMatch(reason);
	}, slow);
});
