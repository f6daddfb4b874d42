#!/usr/bin/env node
// Load and soak against the built server on loopback, bounded in count and time:
// 50 SSE clients stay connected while 100 requests/s run for 60 s (check runs answered from the
// result cache, run reads, ticks that fan out to every SSE client). Prints errors (goal 0), the
// p99 latency of cached check runs next to the p99 of run reads, and the server's resident
// memory: after a 20 s warm-up at the same load (V8 grows its heap to a working size first) and
// after the measured 60 s, whose ratio shows growth beyond noise.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchFrom } from '../test/support/api-client.ts';
import { writeTestConfig } from '../test/support/handbook.ts';
import { startServer } from '../test/support/server.ts';
import { startHttpServer } from '../test/support/targets/https-server.ts';
import { percentile } from './percentile.ts';

const seconds = Number(process.env.LOAD_SECONDS ?? 60);
const rate = 100;
const sseClients = 50;

function rssMiB(pid: number): number {
	const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
	return kb / 1024;
}

const p = percentile;

const target = await startHttpServer((_, res) => void res.end('OK'));
const dir = mkdtempSync(join(tmpdir(), 'handbook-load-'));
const config = writeTestConfig({ checks: [{ id: 'healthz', title: 'healthz', kind: 'http', access: 'public', cacheSeconds: 30, runbook: '/incidents/', params: { url: `${target.url}/healthz` }, outcomes: [{ status: 'pass', message: 'ok' }] }] });
// The server runs with its heap capped (LOAD_NODE_OPTIONS, default --max-old-space-size=64): V8
// otherwise grows its heap lazily under load, which shows as growth without being retained; with
// a cap, growth that remains is memory really held, and a leak would fail or thrash instead.
const nodeOptions = process.env.LOAD_NODE_OPTIONS ?? '--max-old-space-size=64';
const server = await startServer({ HANDBOOK_CONFIG: config, HANDBOOK_DATA_DIR: dir, HANDBOOK_FACILITATOR_TOKEN: 'load-token-9921', NODE_OPTIONS: nodeOptions });
const headers = { origin: server.url, 'content-type': 'application/json' };
const login = await fetch(`${server.url}/api/session`, { method: 'POST', headers, body: JSON.stringify({ token: 'load-token-9921' }) });
const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
const auth = { ...headers, cookie };
const runId = ((await (await fetch(`${server.url}/api/runs`, { method: 'POST', headers: auth, body: JSON.stringify({ checklist: 'pre-workshop' }) })).json()) as any).run.id;
const items = ((await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as any).progress.items.filter((i: any) => !i.checkId);

// Warm up, then measure memory before the load.
for (let i = 0; i < 200; i++) await (await fetch(`${server.url}/api/runs/${runId}/checks/healthz`, { method: 'POST', headers: auth })).text();
await new Promise((r) => setTimeout(r, 1000));
const before = rssMiB(server.process.pid!);

let sseEvents = 0;
let sseErrors = 0;
const streams = await Promise.all(
	Array.from({ length: sseClients }, async (_, i) => {
		const controller = new AbortController();
		// Each from its own loopback address, as 50 browsers are: the server caps streams per client.
		const res = await fetchFrom(`127.0.1.${i + 1}`)(`${server.url}/api/runs/${runId}/events`, { signal: controller.signal });
		if (res.status !== 200) sseErrors++;
		const reader = res.body!.getReader();
		void (async () => {
			try {
				for (;;) {
					const { done, value } = await reader.read();
					if (done) break;
					sseEvents += (new TextDecoder().decode(value).match(/\nevent: /g) ?? []).length;
				}
			} catch (err) {
				if (!controller.signal.aborted) sseErrors++;
			}
		})();
		return controller;
	}),
);

const cached: number[] = [];
const reads: number[] = [];
let errors = 0;
let sent = 0;

/** Sends `rate` requests/s for `duration` seconds (6 cached check runs, 3 run reads, 1 tick in 10). */
async function load(duration: number, record: boolean): Promise<number> {
	const started = performance.now();
	const inflight = new Set<Promise<void>>();
	while (performance.now() - started < duration * 1000) {
		const tick = performance.now();
		for (let i = 0; i < rate / 10; i++) {
			const n = sent++;
			const t0 = performance.now();
			const kind = n % 10;
			const req =
				kind < 6
					? fetch(`${server.url}/api/runs/${runId}/checks/healthz`, { method: 'POST', headers: auth })
					: kind < 9
						? fetch(`${server.url}/api/runs/${runId}`)
						: fetch(`${server.url}/api/runs/${runId}/items/${items[n % items.length].id}`, { method: 'POST', headers: auth, body: JSON.stringify({ checked: n % 20 < 10 }) });
			const done = req
				.then(async (res) => {
					await res.text();
					if (res.status !== 200) errors++;
					if (record) (kind < 6 ? cached : kind < 9 ? reads : []).push(performance.now() - t0);
				})
				.catch(() => void errors++)
				.finally(() => inflight.delete(done));
			inflight.add(done);
		}
		await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - tick))));
	}
	await Promise.all(inflight);
	return (performance.now() - started) / 1000;
}

await load(20, false);
await new Promise((r) => setTimeout(r, 2000));
const warm = rssMiB(server.process.pid!);
sent = 0;
const elapsed = await load(seconds, true);
await new Promise((r) => setTimeout(r, 2000));
const after = rssMiB(server.process.pid!);
for (const c of streams) c.abort();
await server.stop();
await target.stop();

const growth = after / warm;
console.log(`ok    requests sent over ${elapsed.toFixed(0)} s with ${sseClients} SSE clients connected: ${sent} (${(sent / elapsed).toFixed(0)}/s; ${sseEvents} SSE events delivered)`);
console.log(`${errors + sseErrors === 0 ? 'ok  ' : 'MISS'}  errors (HTTP and SSE): ${errors + sseErrors} (goal 0)`);
console.log(`ok    p99 latency, cached check runs / run reads: ${p(cached, 0.99).toFixed(1)} ms / ${p(reads, 0.99).toFixed(1)} ms (p50 ${p(cached, 0.5).toFixed(1)} / ${p(reads, 0.5).toFixed(1)} ms)`);
console.log(`${growth < 1.1 ? 'ok  ' : 'MISS'}  server memory after the 60 s / after the warm-up at the same load: ${growth.toFixed(2)} (idle ${before.toFixed(0)} → warm ${warm.toFixed(0)} → after ${after.toFixed(0)} MiB, server ${nodeOptions || 'default heap'}; goal < 1.1)`);
process.exit(0);
