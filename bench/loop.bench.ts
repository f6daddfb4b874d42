#!/usr/bin/env node
// The workshop loop under a room's load, against the built server on loopback: 100 participants
// (each a browser with its own cookie) send a help request and then their feedback within 60 s,
// spread over the minute, while 50 facilitators' boards watch the workshop's live feed (SSE).
// Prints errors (goal 0), every change delivered to every board, and the p99 write latency.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../test/support/server.ts';
import { percentile } from './percentile.ts';

const seconds = Number(process.env.LOOP_SECONDS ?? 60);
const participants = 100;
const boards = 50;
const month = '2026-12';
const token = 'loop-bench-token-31f0';

const p = percentile;

const server = await startServer({ HANDBOOK_DATA_DIR: mkdtempSync(join(tmpdir(), 'handbook-loop-bench-')), HANDBOOK_FACILITATOR_TOKEN: token });
const json = { origin: server.url, 'content-type': 'application/json' };
const login = await fetch(`${server.url}/api/session`, { method: 'POST', headers: json, body: JSON.stringify({ token, name: 'bench' }) });
const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
const opened = (await (await fetch(`${server.url}/api/workshops/${month}/open`, { method: 'POST', headers: { ...json, cookie }, body: '{}' })).json()) as { code: string };

// The boards: each counts the help and feedback changes it receives.
let sseErrors = 0;
const received = new Array<number>(boards).fill(0);
const streams = await Promise.all(
	Array.from({ length: boards }, async (_, b) => {
		const controller = new AbortController();
		const res = await fetch(`${server.url}/api/workshops/${month}/events`, { headers: { cookie }, signal: controller.signal });
		if (res.status !== 200) sseErrors++;
		const reader = res.body!.getReader();
		const decoder = new TextDecoder();
		void (async () => {
			let buffer = '';
			try {
				for (;;) {
					const { done, value } = await reader.read();
					if (done) break;
					buffer += decoder.decode(value, { stream: true });
					const events = buffer.split('\n\n');
					buffer = events.pop()!;
					received[b]! += events.filter((e) => /^event: (help|feedback)$/m.test(e)).length;
				}
			} catch {
				if (!controller.signal.aborted) sseErrors++;
			}
		})();
		return controller;
	}),
);

const helpLatency: number[] = [];
const feedbackLatency: number[] = [];
let errors = 0;
const failures = new Map<string, number>();

async function write(path: string, body: unknown, jar: { cookie: string }, latencies: number[]): Promise<void> {
	const t0 = performance.now();
	try {
		const res = await fetch(server.url + path, { method: 'POST', headers: { ...json, ...(jar.cookie ? { cookie: jar.cookie } : {}) }, body: JSON.stringify(body) });
		const text = await res.text();
		latencies.push(performance.now() - t0);
		jar.cookie ||= res.headers.get('set-cookie')?.split(';')[0] ?? '';
		if (res.status !== 201) {
			errors++;
			const key = `${res.status} ${text.slice(0, 120)}`;
			failures.set(key, (failures.get(key) ?? 0) + 1);
		}
	} catch (err) {
		errors++;
		failures.set(String(err), (failures.get(String(err)) ?? 0) + 1);
	}
}

/** One participant: a help request at its moment in the minute, feedback a little later. */
async function participant(n: number): Promise<void> {
	const jar = { cookie: '' };
	const start = (n / participants) * seconds * 1000 * 0.8;
	await new Promise((r) => setTimeout(r, start));
	await write('/api/help', { workshop: month, code: opened.code, github: `p${n}`, workspace: `ws-${n}`, region: ['us-east-2', 'us-west-2', 'eu-west-2'][n % 3], description: `Participant ${n}: workspace stuck on Starting`, error: n % 4 ? null : 'context deadline exceeded' }, jar, helpLatency);
	await new Promise((r) => setTimeout(r, seconds * 1000 * 0.15));
	await write('/api/feedback', { workshop: month, code: opened.code, satisfaction: 1 + (n % 5), completed: n % 3 !== 0, subScores: { stability: 1 + ((n + 1) % 5), content: 1 + ((n + 2) % 5), support: 1 + ((n + 3) % 5) }, worked: `answer ${n}`, blocked: n % 2 ? `slow start ${n}` : null }, jar, feedbackLatency);
}

const started = performance.now();
await Promise.all(Array.from({ length: participants }, (_, n) => participant(n)));
const elapsed = (performance.now() - started) / 1000;
// Let the last changes reach every board.
const expected = participants * 2;
const deadline = Date.now() + 10_000;
while (received.some((r) => r < expected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
const summary = (await (await fetch(`${server.url}/api/workshops/${month}/summary`, { headers: { cookie } })).json()) as { feedback: { responses: number }; help: { requests: number } };
for (const c of streams) c.abort();
await server.stop();

const delivered = received.reduce((a, b) => a + b, 0);
const stored = summary.help.requests + summary.feedback.responses;
console.log(`ok    participant writes in ${elapsed.toFixed(0)} s with ${boards} boards watching: ${helpLatency.length + feedbackLatency.length} (${participants} help requests, ${participants} feedback), ${stored} stored`);
console.log(`${errors + sseErrors === 0 && stored === expected ? 'ok  ' : 'MISS'}  loop errors (HTTP and SSE): ${errors + sseErrors} (goal 0)${failures.size ? `: ${[...failures].map(([k, v]) => `${v}× ${k}`).join('; ')}` : ''}`);
console.log(`${delivered === expected * boards ? 'ok  ' : 'MISS'}  loop changes delivered to the boards: ${delivered} of ${expected * boards} (${boards} boards × ${expected})`);
console.log(`ok    loop p99 write latency, help / feedback: ${p(helpLatency, 0.99).toFixed(1)} ms / ${p(feedbackLatency, 0.99).toFixed(1)} ms (p50 ${p(helpLatency, 0.5).toFixed(1)} / ${p(feedbackLatency, 0.5).toFixed(1)} ms)`);
process.exit(0);
