import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventHub, type RunFeed } from '../../src/server/events.ts';
import type { Reader } from '../../src/server/visibility.ts';
import { openStore, type AuditEntry, type RunRecord, type Store } from '../../src/store/store.ts';

const decoder = new TextDecoder();

/** A feed whose snapshot and event data weigh `padding` characters each, with its work counted. */
function paddedFeed(store: Store, padding: number) {
	const calls = { eventData: 0, view: 0 };
	const pad = 'x'.repeat(padding);
	const feed: RunFeed = {
		async eventData(entry: AuditEntry, record: RunRecord) {
			calls.eventData++;
			return { ticks: record.ticks.length, target: entry.target, pad };
		},
		async view(runId: string, reader: Reader) {
			calls.view++;
			return { revision: await store.revision(runId), reader, pad };
		},
		engine: { handbook: { checks: new Map() }, redactor: { value: <T,>(v: T) => v } },
	};
	return { feed, calls };
}

/** Counts event-loop turns (one per setImmediate) until stopped. */
function turnCounter() {
	let turn = 0;
	let running = true;
	const tick = () => {
		turn++;
		if (running) setImmediate(tick);
	};
	setImmediate(tick);
	return { now: () => turn, stop: () => void (running = false) };
}

const ids = (frames: string[]) => frames.map((f) => Number(/^id: (\d+)/.exec(f)![1]));

describe('EventHub under a burst of subscribers (issue 10, finding 1)', () => {
	let store: Store;
	let runId: string;
	beforeEach(async () => {
		store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'handbook-burst-')), databaseUrl: undefined });
		runId = (await store.createRun({ checklist: 'pre-workshop', environment: 'local', actor: 'seed' })).id;
		await store.transaction(async () => {
			for (let i = 1; i < 1000; i++) await store.setTick(runId, `item-${i % 40}`, i % 2 === 0, 'seed');
		});
	});
	afterEach(() => store.close());

	it('spreads 50 snapshot catch-ups over event-loop turns, one per turn, and computes the snapshot once', async () => {
		const { feed, calls } = paddedFeed(store, 30_000);
		const hub = new EventHub(store, feed, { maxTail: 200, maxStreams: 100, maxPerClient: 100 });
		const turns = turnCounter();
		const arrivals: number[] = [];
		const received: Uint8Array[][] = Array.from({ length: 50 }, () => []);
		const stops = await Promise.all(
			received.map((into) =>
				hub.subscribe(runId, 0, 'anonymous', (f) => {
					into.push(f);
					arrivals.push(turns.now());
				}),
			),
		);
		turns.stop();
		expect(calls.view).toBe(1);
		expect(received.every((r) => r.length === 1 && r[0] === received[0]![0])).toBe(true);
		const perTurn = new Map<number, number>();
		for (const t of arrivals) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
		expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(2);
		expect(perTurn.size).toBeGreaterThanOrEqual(25);
		for (const stop of stops) stop();
		hub.close();
	});

	it('sends entries written while subscribers wait their turn after their catch-up, each once and in order', async () => {
		const { feed } = paddedFeed(store, 2_000);
		const hub = new EventHub(store, feed, { maxTail: 200, maxStreams: 100, maxPerClient: 100 });
		const from = (await store.revision(runId)) - 150;
		const got: string[][] = Array.from({ length: 5 }, () => []);
		const joining = got.map((into) => hub.subscribe(runId, from, 'facilitator', (f) => into.push(decoder.decode(f))));
		// New entries land while the first subscriber is caught up and the others wait their turn.
		for (let round = 0; round < 3; round++) {
			await new Promise((r) => setImmediate(r));
			for (let i = 0; i < 4; i++) await store.setTick(runId, `item-${i}`, round % 2 === 0, 'Alice');
			hub.notify(runId);
		}
		const stops = await Promise.all(joining);
		await store.setTick(runId, 'item-9', true, 'Bob');
		hub.notify(runId);
		const last = await store.revision(runId);
		for (const frames of got) await expect.poll(() => ids(frames)).toEqual(Array.from({ length: last - from }, (_, i) => from + 1 + i));
		for (const stop of stops) stop();
		hub.close();
	});

	it('keeps a snapshot for pages that all drop and come back (a network blip), computes it anew after a change, and keeps only maxSnapshots', async () => {
		const { feed, calls } = paddedFeed(store, 30_000);
		const hub = new EventHub(store, feed, { maxTail: 200, maxStreams: 100, maxPerClient: 100, maxSnapshots: 2 });
		const wave = async () => {
			const frames: string[] = [];
			const stops = await Promise.all(Array.from({ length: 10 }, () => hub.subscribe(runId, 0, 'anonymous', (f) => frames.push(decoder.decode(f)))));
			for (const stop of stops) stop();
			return frames;
		};
		const first = await wave();
		expect(hub.subscribers()).toBe(0);
		const again = await wave();
		expect(calls.view).toBe(1);
		expect(again).toEqual(first);
		await store.setTick(runId, 'item-1', true, 'Alice');
		const changed = await wave();
		expect(calls.view).toBe(2);
		expect(ids(changed)[0]).toBe(await store.revision(runId));
		// Two other runs' snapshots push this one out: it is computed again.
		for (const other of ['a', 'b']) {
			const id = (await store.createRun({ checklist: 'pre-workshop', environment: 'local', actor: other })).id;
			await store.transaction(async () => {
				for (let i = 0; i < 300; i++) await store.setTick(id, `item-${i % 40}`, i % 2 === 0, other);
			});
			(await hub.subscribe(id, 0, 'anonymous', () => {}))();
		}
		expect(calls.view).toBe(4);
		await wave();
		expect(calls.view).toBe(5);
		hub.close();
	});

	it('serves a lone subscriber at once, in the same turn', async () => {
		const { feed } = paddedFeed(store, 10);
		const hub = new EventHub(store, feed, { maxTail: 200, maxStreams: 100, maxPerClient: 100 });
		const turns = turnCounter();
		const got: number[] = [];
		const stop = await hub.subscribe(runId, (await store.revision(runId)) - 3, 'anonymous', () => got.push(turns.now()));
		turns.stop();
		expect(got).toEqual([0, 0, 0]);
		stop();
		hub.close();
	});
});
