#!/usr/bin/env node
// Runner benchmarks, measured side by side in one run against the sandbox with injected latency:
// 1. the pre-workshop checklist's wall time over its slowest check and over the sum of all checks
//    (goal: wall / slowest ≤ 1.2: the checklist takes about as long as its slowest check);
// 2. upstream probes caused by 200 concurrent identical run requests to the API (goal: 1).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/server/app.ts';
import { startSandbox } from '../test/sandbox/sandbox.ts';
import { startServer } from '../test/support/server.ts';

export interface Figure {
	name: string;
	value: string;
	goal: string;
	ok: boolean;
}

export async function engineBench(): Promise<Figure[]> {
	const sandbox = await startSandbox({ latencyMs: 150 });
	const figures: Figure[] = [];
	try {
		Object.assign(process.env, sandbox.env);
		const dataDir = mkdtempSync(join(tmpdir(), 'handbook-bench-'));
		const app = await createApp({ configFile: sandbox.configFile, dataDir });
		const run = await app.service.startRun({ checklist: 'pre-workshop', environment: 'local' }, 'bench');
		const started = performance.now();
		const results = [...(await app.service.runAll(run.id, 'bench', 16)).values()].flat();
		const wall = performance.now() - started;
		const slowest = Math.max(...results.map((r) => r.durationMs));
		const sum = results.reduce((t, r) => t + r.durationMs, 0);
		const failing = results.filter((r) => r.status !== 'pass');
		if (failing.length) throw new Error(`the sandbox checklist should pass: ${failing.map((r) => `${r.checkId} ${r.status} ${r.message}`).join('; ')}`);
		figures.push({ name: `checklist wall / slowest check (${results.length} checks×regions, ${Math.round(wall)} ms / ${slowest} ms)`, value: (wall / slowest).toFixed(2), goal: '≤ 1.2', ok: wall / slowest <= 1.2 });
		figures.push({ name: `checklist wall / sum of all checks (${Math.round(wall)} ms / ${sum} ms)`, value: (wall / sum).toFixed(3), goal: 'informative', ok: true });
		app.events.close();
		await app.store.close();

		const server = await startServer({ ...sandbox.env, HANDBOOK_DATA_DIR: dataDir, HANDBOOK_FACILITATOR_TOKEN: 'bench-token-1234' });
		try {
			const headers = { 'content-type': 'application/json', origin: server.url };
			const session = await fetch(`${server.url}/api/session`, { method: 'POST', headers, body: JSON.stringify({ token: 'bench-token-1234' }) });
			const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
			const created = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { ...headers, cookie }, body: JSON.stringify({ checklist: 'pre-workshop' }) });
			const runId = ((await created.json()) as { run: { id: string } }).run.id;
			const route = 'GET /litellm/health/readiness';
			const before = sandbox.platform.count(route);
			const answers = await Promise.all(Array.from({ length: 200 }, () => fetch(`${server.url}/api/runs/${runId}/checks/litellm-ready`, { method: 'POST', headers: { ...headers, cookie } })));
			const ok = answers.filter((a) => a.status === 200).length;
			const probes = sandbox.platform.count(route) - before;
			figures.push({ name: `upstream probes for 200 concurrent identical runs (${ok} answered 200)`, value: String(probes), goal: '1', ok: probes === 1 && ok === 200 });
		} finally {
			await server.stop();
		}
	} finally {
		await sandbox.stop();
	}
	return figures;
}

if (import.meta.main) {
	const figures = await engineBench();
	for (const f of figures) console.log(`${f.ok ? 'ok  ' : 'MISS'}  ${f.name}: ${f.value} (goal ${f.goal})`);
	process.exit(0);
}
