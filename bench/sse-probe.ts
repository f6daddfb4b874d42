#!/usr/bin/env node
// The health prober of bench/sse.bench.ts, in its own process so the bench's own SSE clients
// cannot delay its timings: asks `<url>` every 5 ms (not waiting for the previous answer) and
// files each latency (ms) under the phase named by the last line on stdin (`idle`, `burst`,
// `reference`, or `pause` for none). Prints "ready" once probing; when stdin closes, the latencies by phase
// and the error count as JSON.
import { createInterface } from 'node:readline';

const url = process.argv[2]!;
const phases: Record<string, number[]> = { idle: [], burst: [], reference: [] };
let phase = 'pause';
let errors = 0;
let stop = false;
createInterface({ input: process.stdin })
	.on('line', (line) => (phase = line.trim()))
	.on('close', () => (stop = true));
const inflight: Promise<void>[] = [];
let announced = false;
while (!stop) {
	const t0 = performance.now();
	const into = phases[phase];
	inflight.push(
		fetch(url)
			.then(async (res) => {
				await res.text();
				if (res.status !== 200) errors++;
				into?.push(performance.now() - t0);
				if (!announced) {
					announced = true;
					process.stdout.write('ready\n');
				}
			})
			.catch(() => void errors++),
	);
	await new Promise((r) => setTimeout(r, 5));
}
await Promise.all(inflight);
process.stdout.write(JSON.stringify({ ...phases, errors }) + '\n');
