import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventHub, type RunFeed } from '../../src/server/events.ts';
import type { Reader } from '../../src/server/visibility.ts';
import { Store, type AuditEntry, type RunRecord } from '../../src/store/store.ts';

const decoder = new TextDecoder();

/** A feed whose snapshot and event data weigh `padding` characters each, so byte budgets show. */
function paddedFeed(store: Store, padding: number) {
	const calls = { eventData: 0, view: 0 };
	const pad = 'x'.repeat(padding);
	const feed: RunFeed = {
		eventData(entry: AuditEntry, record: RunRecord) {
			calls.eventData++;
			return { ticks: record.ticks.length, target: entry.target, pad };
		},
		view(runId: string, reader: Reader) {
			calls.view++;
			return { revision: store.revision(runId), reader, pad };
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
	beforeEach(() => {
		store = new Store(mkdtempSync(join(tmpdir(), 'handbook-burst-')));
		runId = store.createRun({ checklist: 'pre-workshop', environment: 'local', actor: 'seed' }).id;
		for (let i = 1; i < 1000; i++) store.setTick(runId, `item-${i % 40}`, i % 2 === 0, 'seed');
	});
	afterEach(() => store.close());

	it('spreads 50 snapshot catch-ups over event-loop turns, a few per turn, and serializes the snapshot once', async () => {
		// A 30 KB snapshot: at most three fit in one turn's 64 KiB.
		const { feed, calls } = paddedFeed(store, 30_000);
		const hub = new EventHub(store, feed, { maxTail: 200, maxStreams: 100, maxPerClient: 100 });
		const turns = turnCounter();
		const arrivals: number[] = [];
		const received: Uint8Array[][] = Array.from({ length: 50 }, () => []);
		const stops = received.map((into) =>
			hub.subscribe(runId, 0, 'anonymous', (f) => {
				into.push(f);
				arrivals.push(turns.now());
			}),
		);
		// Only the first is served before the request handlers of this turn return.
		expect(received.filter((r) => r.length > 0)).toHaveLength(1);
		await hub.caughtUp();
		turns.stop();
		expect(calls.view).toBe(1);
		expect(received.every((r) => r.length === 1 && r[0] === received[0]![0])).toBe(true);
		const perTurn = new Map<number, number>();
		for (const t of arrivals) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
		expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(3);
		expect(perTurn.size).toBeGreaterThanOrEqual(17);
		for (const stop of stops) stop();
		hub.close();
	});

	it('sends entries written during a long catch-up after it, each once and in order', async () => {
		// 150 missed entries of ~2 KB each: a 300 KB tail, sent over several turns (still under
		// the 200 of a tail once the 12 new ones are added, so nobody gets a snapshot instead).
		const { feed } = paddedFeed(store, 2_000);
		const hub = new EventHub(store, feed, { maxTail: 200, maxStreams: 100, maxPerClient: 100 });
		const from = store.revision(runId) - 150;
		const got: string[][] = Array.from({ length: 5 }, () => []);
		const stops = got.map((into) => hub.subscribe(runId, from, 'facilitator', (f) => into.push(decoder.decode(f))));
		// New entries land while the first subscriber is mid-tail and the others wait their turn.
		for (let round = 0; round < 3; round++) {
			await new Promise((r) => setImmediate(r));
			for (let i = 0; i < 4; i++) store.setTick(runId, `item-${i}`, round % 2 === 0, 'Alice');
			hub.notify(runId);
		}
		await hub.caughtUp();
		store.setTick(runId, 'item-9', true, 'Bob');
		hub.notify(runId);
		const last = store.revision(runId);
		for (const frames of got) expect(ids(frames)).toEqual(Array.from({ length: last - from }, (_, i) => from + 1 + i));
		for (const stop of stops) stop();
		hub.close();
	});

	it('does no catch-up work for a subscriber that left before its turn', async () => {
		const { feed, calls } = paddedFeed(store, 10);
		const hub = new EventHub(store, feed, { maxTail: 200, maxStreams: 100, maxPerClient: 100 });
		const from = store.revision(runId) - 5;
		const got: Uint8Array[][] = Array.from({ length: 10 }, () => []);
		const stops = got.map((into) => hub.subscribe(runId, from, 'anonymous', (f) => into.push(f)));
		// The first was caught up at once (five entries shaped); the other nine leave while queued.
		expect(calls.eventData).toBe(5);
		for (const stop of stops.slice(1)) stop();
		await hub.caughtUp();
		expect(calls.eventData).toBe(5);
		expect(got.slice(1).every((g) => g.length === 0)).toBe(true);
		expect(got[0]).toHaveLength(5);
		stops[0]!();
		hub.close();
	});

	it('makes a subscriber that is already up to date live at once, with no catch-up', () => {
		const { feed, calls } = paddedFeed(store, 10);
		const hub = new EventHub(store, feed, { maxTail: 200, maxStreams: 100, maxPerClient: 100 });
		const far = hub.subscribe(runId, 0, 'anonymous', () => {});
		const got: string[] = [];
		// Queued behind nobody's turn budget: its first live entry comes on the next notify.
		const stop = hub.subscribe(runId, store.revision(runId), 'anonymous', (f) => got.push(decoder.decode(f)));
		store.setTick(runId, 'item-1', true, 'Alice');
		hub.notify(runId);
		expect(ids(got)).toEqual([store.revision(runId)]);
		expect(calls.view).toBe(1);
		far();
		stop();
		hub.close();
	});
});
