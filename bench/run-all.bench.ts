#!/usr/bin/env node
// Server-side "run all", as the page's button and `handbook checks run` use it: the pre-workshop
// checklist's job started over the API (POST /api/runs/:id/run-all) against the sandbox with
// injected latency, its wall time (from the request to the job's end, read from the run) over
// its slowest check. Goal: ≤ 1.2, the checklist takes about as long as its slowest check.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../test/sandbox/sandbox.ts';
import { startServer } from '../test/support/server.ts';
import type { Figure } from './engine.bench.ts';

interface View {
	runAll: { state: string; done: number; checks: string[]; startedAt: string; finishedAt: string | null } | null;
	results: Array<{ checkId: string; region: string | null; status: string; message: string; durationMs: number }>;
}

export async function runAllBench(): Promise<Figure[]> {
	const sandbox = await startSandbox({ latencyMs: 150 });
	const token = 'bench-token-run-all-1';
	const server = await startServer({ ...sandbox.env, HANDBOOK_DATA_DIR: mkdtempSync(join(tmpdir(), 'handbook-bench-run-all-')), HANDBOOK_FACILITATOR_TOKEN: token });
	try {
		const headers = { 'content-type': 'application/json', origin: server.url };
		const session = await fetch(`${server.url}/api/session`, { method: 'POST', headers, body: JSON.stringify({ token }) });
		const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
		const call = async (path: string, body?: unknown) => {
			const res = await fetch(server.url + path, body === undefined ? { headers: { cookie } } : { method: 'POST', headers: { ...headers, cookie }, body: JSON.stringify(body) });
			if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
			return res.json() as Promise<any>;
		};
		const { run } = await call('/api/runs', { checklist: 'pre-workshop', environment: 'local' });
		// Warm the server (config, registry, first connections) on another run: the figure is the job, not a cold start.
		const warm = (await call('/api/runs', { checklist: 'workshop-day', environment: 'local' })).run;
		await call(`/api/runs/${warm.id}/run-all`, {});
		for (let v: View = await call(`/api/runs/${warm.id}`); v.runAll?.state === 'running'; v = await call(`/api/runs/${warm.id}`)) await new Promise((r) => setTimeout(r, 50));

		const started = performance.now();
		const answer = await call(`/api/runs/${run.id}/run-all`, {});
		const joined = (await call(`/api/runs/${run.id}/run-all`, {})).joined;
		let view: View = await call(`/api/runs/${run.id}`);
		while (view.runAll?.state === 'running') {
			await new Promise((r) => setTimeout(r, 20));
			view = await call(`/api/runs/${run.id}`);
		}
		const wall = performance.now() - started;
		if (view.runAll?.state !== 'finished') throw new Error(`the job ended ${view.runAll?.state}`);
		const failing = view.results.filter((r) => r.status !== 'pass');
		if (failing.length) throw new Error(`the sandbox checklist should pass: ${failing.map((r) => `${r.checkId} ${r.status} ${r.message}`).join('; ')}`);
		const slowest = Math.max(...view.results.map((r) => r.durationMs));
		const figures: Figure[] = [
			{
				name: `server-side run-all wall / slowest check (${answer.runAll.checks.length} checks, ${view.results.length} results, ${Math.round(wall)} ms / ${slowest} ms)`,
				value: (wall / slowest).toFixed(2),
				goal: '≤ 1.2',
				ok: wall / slowest <= 1.2,
			},
			{ name: 'a second run-all request while the job runs joins it', value: String(joined), goal: 'true', ok: joined === true },
		];
		return figures;
	} finally {
		await server.stop();
		await sandbox.stop();
	}
}

if (import.meta.main) {
	const figures = await runAllBench();
	for (const f of figures) console.log(`${f.ok ? 'ok  ' : 'MISS'}  ${f.name}: ${f.value} (goal ${f.goal})`);
	process.exit(0);
}
