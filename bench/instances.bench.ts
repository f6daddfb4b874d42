#!/usr/bin/env node
// Several instances on one Postgres against one instance on SQLite, side by side in one run:
// 1. how a change reaches another instance's live pages: Postgres LISTEN / NOTIFY (what the
//    handbook uses) against polling the audit log by id (what the live feed does every second
//    anyway, and what SQLite relies on for the CLI's writes): latency and queries it costs;
// 2. load: two handbook servers on one Postgres behind a loopback round-robin TCP proxy, then one
//    server on SQLite, each with 100 SSE clients connected while 100 requests/s run for
//    INSTANCES_SECONDS (default 60): errors (goal 0), p99 latency, and whether every client got
//    every tick's event (each tick is one audit entry, so one event per client).
import { mkdtempSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/store.ts';
import { fetchFrom } from '../test/support/api-client.ts';
import { startPostgres } from '../test/support/postgres.ts';
import { writeTestConfig } from '../test/support/handbook.ts';
import { freePort, startServer, type RunningServer } from '../test/support/server.ts';
import { startHttpServer } from '../test/support/targets/https-server.ts';
import { percentile } from './percentile.ts';

const seconds = Number(process.env.INSTANCES_SECONDS ?? 60);
const rate = 100;
const sseClients = 100;
const token = 'instances-bench-7731';

const p = percentile;

const pg = await startPostgres();
const target = await startHttpServer((_, res) => void res.end('OK'));
const dir = mkdtempSync(join(tmpdir(), 'handbook-instances-bench-'));
const config = writeTestConfig({ checks: [{ id: 'healthz', title: 'healthz', kind: 'http', access: 'public', cacheSeconds: 30, runbook: '/incidents/', params: { url: `${target.url}/healthz` }, outcomes: [{ status: 'pass', message: 'ok' }] }] });

// --- 1. NOTIFY against polling, between two stores on one Postgres ---------------------------
{
	const url = await pg.database();
	const [writer, reader] = [await openStore({ databaseUrl: url }), await openStore({ databaseUrl: url })];
	const run = await writer.createRun({ checklist: 'pre-workshop', environment: 'local', actor: 'bench' });
	const sent = new Map<number, number>();
	const notified: number[] = [];
	let n = 0;
	await reader.onChange(() => {
		const at = sent.get(n);
		if (at !== undefined) notified.push(performance.now() - at);
	});
	for (n = 0; n < 200; n++) {
		sent.set(n, performance.now());
		await writer.setTick(run.id, `item-${n}`, true, 'bench');
		while (notified.length <= n) await new Promise((r) => setImmediate(r));
	}
	// Polling as the live feed does it: one audit read per watched run per interval; a change waits
	// on average half the interval. Measured: the read's own cost, and the queries a minute.
	const pollMs = 1000;
	const reads: number[] = [];
	for (let i = 0; i < 200; i++) {
		const t0 = performance.now();
		await reader.auditLog({ runId: run.id, after: 0, limit: 1 });
		reads.push(performance.now() - t0);
	}
	console.log(
		`ok    a change reaching another instance, LISTEN/NOTIFY / polling the audit log every ${pollMs} ms: p50 ${p(notified, 0.5).toFixed(1)} ms / ~${pollMs / 2} ms, p99 ${p(notified, 0.99).toFixed(1)} ms / ~${pollMs} ms (polling costs ${(60_000 / pollMs).toFixed(0)} reads a minute per watched run per instance at ${p(reads, 0.5).toFixed(2)} ms each; NOTIFY one statement per write)`,
	);
	await writer.close();
	await reader.close();
}

// --- 2. load: two instances on Postgres behind a proxy, one on SQLite -----------------------

/** A loopback TCP proxy handing each new connection to the next upstream in turn. */
async function roundRobin(upstreams: RunningServer[]): Promise<{ url: string; server: Server }> {
	const ports = upstreams.map((u) => Number(new URL(u.url).port));
	let next = 0;
	const server = createServer((client) => {
		const upstream = connect(ports[next++ % ports.length]!, '127.0.0.1');
		client.pipe(upstream).pipe(client);
		client.on('error', () => upstream.destroy());
		upstream.on('error', () => client.destroy());
	});
	const port = await freePort();
	await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
	return { url: `http://127.0.0.1:${port}`, server };
}

interface LoadFigures {
	sent: number;
	elapsed: number;
	errors: number;
	p99: number;
	p50: number;
	ticks: number;
	/** Clients that got an event for every tick. */
	complete: number;
}

async function load(base: string, servers: RunningServer[]): Promise<LoadFigures> {
	const headers = { origin: base, 'content-type': 'application/json' };
	const login = await fetch(`${base}/api/session`, { method: 'POST', headers, body: JSON.stringify({ token, name: 'bench' }) });
	const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
	const auth = { ...headers, cookie };
	const runId = ((await (await fetch(`${base}/api/runs`, { method: 'POST', headers: auth, body: JSON.stringify({ checklist: 'pre-workshop' }) })).json()) as any).run.id;
	const items = ((await (await fetch(`${base}/api/runs/${runId}`)).json()) as any).progress.items.filter((i: any) => !i.checkId);
	let errors = 0;
	// Each client as a browser's EventSource: from its own address, reconnecting with the last
	// event id when the server ends the stream (each stream has a byte budget); tick events counted
	// once per id.
	const tickIds = Array.from({ length: sseClients }, () => new Set<number>());
	// A client too far behind on reconnecting gets one `run.snapshot` (the run's state) instead of
	// the entries it missed: those count as delivered up to the snapshot's id.
	const snapshotUpTo = new Array<number>(sseClients).fill(0);
	let stopped = false;
	const controllers = new Set<AbortController>();
	const follow = async (i: number, lastId: string | null): Promise<void> => {
		const controller = new AbortController();
		controllers.add(controller);
		try {
			const res = await fetchFrom(`127.0.2.${i + 1}`)(`${base}/api/runs/${runId}/events`, { signal: controller.signal, headers: lastId ? { 'last-event-id': lastId } : {} });
			if (res.status !== 200) errors++;
			const reader = res.body!.getReader();
			const decoder = new TextDecoder();
			let rest = '';
			for (;;) {
				const { done, value } = await reader.read();
				if (done) break;
				const frames = (rest + decoder.decode(value, { stream: true })).split('\n\n');
				rest = frames.pop()!;
				for (const f of frames) {
					const id = /^id: (\d+)$/m.exec(f)?.[1];
					if (id) lastId = id;
					if (id && /^event: item\.(un)?tick$/m.test(f)) tickIds[i]!.add(Number(id));
					if (id && /^event: run\.snapshot$/m.test(f)) snapshotUpTo[i] = Math.max(snapshotUpTo[i]!, Number(id));
				}
			}
		} catch {
			if (!controller.signal.aborted) errors++;
		} finally {
			controllers.delete(controller);
		}
		// As EventSource does: reconnect after the `retry` the server sent (2 s).
		if (!stopped) {
			await new Promise((r) => setTimeout(r, 2000));
			return follow(i, lastId);
		}
	};
	for (let i = 0; i < sseClients; i++) void follow(i, null);
	await new Promise((r) => setTimeout(r, 1000));
	const latencies: number[] = [];
	const byKind: number[][] = [[], [], []];
	let sent = 0;
	let ticks = 0;
	const started = performance.now();
	const inflight = new Set<Promise<void>>();
	while (performance.now() - started < seconds * 1000) {
		const tick = performance.now();
		for (let i = 0; i < rate / 10; i++) {
			const n = sent++;
			const kind = n % 10;
			const t0 = performance.now();
			const req =
				kind < 6
					? fetch(`${base}/api/runs/${runId}/checks/healthz`, { method: 'POST', headers: auth })
					: kind < 9
						? fetch(`${base}/api/runs/${runId}`)
						: fetch(`${base}/api/runs/${runId}/items/${items[n % items.length].id}`, { method: 'POST', headers: auth, body: JSON.stringify({ checked: n % 20 < 10 }) });
			const done = req
				.then(async (res) => {
					await res.text();
					if (res.status !== 200) errors++;
					else if (kind === 9) ticks++;
					latencies.push(performance.now() - t0);
					byKind[kind < 6 ? 0 : kind < 9 ? 1 : 2]!.push(performance.now() - t0);
				})
				.catch(() => void errors++)
				.finally(() => inflight.delete(done));
			inflight.add(done);
		}
		await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - tick))));
	}
	await Promise.all(inflight);
	const elapsed = (performance.now() - started) / 1000;
	// Events of the last writes are on their way: give them a few seconds.
	// Every tick's id, as any client saw it; a client is complete when it has each one (or a snapshot
	// past it). Events still on their way get up to 30 s: delivery is judged apart from latency.
	const all = () => new Set(tickIds.flatMap((t) => [...t]));
	const missing = (i: number, ids: Set<number>) => [...ids].filter((id) => !tickIds[i]!.has(id) && id > snapshotUpTo[i]!).length;
	for (let i = 0; i < 300 && (all().size < ticks || tickIds.some((_, c) => missing(c, all()) > 0)); i++) await new Promise((r) => setTimeout(r, 100));
	stopped = true;
	for (const c of controllers) c.abort();
	const ids = all();
	const snapshots = snapshotUpTo.filter((n) => n > 0).length;
	process.stderr.write(`tick ids seen by any client: ${ids.size} of ${ticks} ticks; clients that got a snapshot on reconnecting: ${snapshots}\n`);
	if (errors) for (const server of servers) process.stderr.write(`--- ${server.url} (exit ${server.process.exitCode ?? server.process.signalCode ?? 'running'}):\n${server.output().slice(-3000)}\n`);
	process.stderr.write(`p50 by kind (cached check run / run read / tick): ${byKind.map((k) => p(k, 0.5).toFixed(1)).join(' / ')} ms\n`);
	return { sent, elapsed, errors, p99: p(latencies, 0.99), p50: p(latencies, 0.5), ticks, complete: ids.size >= ticks ? tickIds.filter((_, c) => missing(c, ids) === 0).length : 0 };
}

const common = { HANDBOOK_CONFIG: config, HANDBOOK_FACILITATOR_TOKEN: token, HANDBOOK_SSE_MAX_PER_CLIENT: String(sseClients * 2), HANDBOOK_SSE_MAX_STREAMS: String(sseClients * 2) };
const databaseUrl = await pg.database();
const [a, b] = await Promise.all([startServer({ ...common, HANDBOOK_DATA_DIR: join(dir, 'a'), HANDBOOK_DATABASE_URL: databaseUrl }), startServer({ ...common, HANDBOOK_DATA_DIR: join(dir, 'b'), HANDBOOK_DATABASE_URL: databaseUrl })]);
const proxy = await roundRobin([a, b]);
const two = await load(proxy.url, [a, b]);
proxy.server.close();
await Promise.all([a.stop(), b.stop()]);

const single = await startServer({ ...common, HANDBOOK_DATA_DIR: join(dir, 'sqlite') });
const one = await load(single.url, [single]);
await single.stop();
await target.stop();
await pg.stop();

const row = (name: string, f: LoadFigures) =>
	`${f.sent} requests over ${f.elapsed.toFixed(0)} s (${(f.sent / f.elapsed).toFixed(0)}/s), ${sseClients} SSE clients: ${f.errors} errors, p99 ${f.p99.toFixed(1)} ms (p50 ${f.p50.toFixed(1)}), ${f.complete}/${sseClients} clients got all ${f.ticks} tick events [${name}]`;
for (const [name, f] of [['2 instances on Postgres, round-robin proxy', two], ['1 instance on SQLite', one]] as const) {
	console.log(`${f.errors === 0 && f.complete === sseClients ? 'ok  ' : 'MISS'}  ${row(name, f)}`);
}
console.log(`ok    p99 latency, 2 instances on Postgres / 1 on SQLite: ${(two.p99 / one.p99).toFixed(2)} (${two.p99.toFixed(1)} ms / ${one.p99.toFixed(1)} ms; one shared 2-core machine, noisy)`);
process.exit(0);
