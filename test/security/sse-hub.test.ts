import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventHub, type RunFeed } from '../../src/server/events.ts';
import type { Reader } from '../../src/server/visibility.ts';
import { Store, type AuditEntry, type RunRecord } from '../../src/store/store.ts';

const decoder = new TextDecoder();

/** The work the hub asks of the store and the run service, counted. */
function countingFeed(store: Store) {
	const calls = { eventData: 0, view: 0 };
	const feed: RunFeed = {
		eventData(entry: AuditEntry, record: RunRecord) {
			calls.eventData++;
			return { ticks: record.ticks.length, target: entry.target };
		},
		view(runId: string, reader: Reader) {
			calls.view++;
			return { ...store.record(runId), reader };
		},
		engine: { handbook: { checks: new Map() }, redactor: { value: <T,>(v: T) => v } },
	};
	return { feed, calls };
}

describe('EventHub', () => {
	let store: Store;
	let runId: string;
	beforeEach(() => {
		store = new Store(mkdtempSync(join(tmpdir(), 'handbook-hub-')));
		runId = store.createRun({ checklist: 'pre-workshop', environment: 'local', actor: 'seed' }).id;
		for (let i = 1; i < 2000; i++) store.setTick(runId, `item-${i % 40}`, i % 2 === 0, 'seed');
	});
	afterEach(() => store.close());

	it('catches 50 subscribers far behind up with one snapshot computed once, not 2,000 entries each', async () => {
		const { feed, calls } = countingFeed(store);
		const hub = new EventHub(store, feed, { maxTail: 200, maxStreams: 100, maxPerClient: 100 });
		const record = vi.spyOn(store, 'record');
		const received: string[][] = [];
		const stops = Array.from({ length: 50 }, (_, i) => {
			received[i] = [];
			return hub.subscribe(runId, 0, 'anonymous', (f) => received[i]!.push(decoder.decode(f)));
		});
		await hub.caughtUp();
		expect(calls.view).toBe(1);
		expect(calls.eventData).toBe(0);
		expect(record).toHaveBeenCalledTimes(1);
		for (const frames of received) {
			expect(frames).toHaveLength(1);
			expect(frames[0]).toMatch(new RegExp(`^id: ${store.revision(runId)}\nevent: run.snapshot\n`));
		}
		for (const stop of stops) stop();
		hub.close();
	});

	it('delivers a batch of new entries to 50 subscribers with one read of the run and one shaping per entry', () => {
		const { feed, calls } = countingFeed(store);
		const hub = new EventHub(store, feed, { maxTail: 200, maxStreams: 100, maxPerClient: 100 });
		const from = store.revision(runId);
		const frames: Uint8Array[][] = Array.from({ length: 50 }, () => []);
		const stops = frames.map((into) => hub.subscribe(runId, from, 'anonymous', (f) => into.push(f)));
		const record = vi.spyOn(store, 'record');
		for (let i = 0; i < 100; i++) store.setTick(runId, `item-${i % 40}`, i % 2 === 1, 'Alice');
		hub.notify(runId);
		expect(record).toHaveBeenCalledTimes(1);
		expect(calls.eventData).toBe(100);
		for (const f of frames) expect(f).toHaveLength(100);
		// Serialized once: every subscriber was handed the very same bytes.
		expect(frames.every((f) => f[99] === frames[0]![99])).toBe(true);
		for (const stop of stops) stop();
		hub.close();
	});

	it('replays a short gap entry by entry, in order, from one read of the run', () => {
		const { feed, calls } = countingFeed(store);
		const hub = new EventHub(store, feed, { maxTail: 200, maxStreams: 100, maxPerClient: 100 });
		const from = store.revision(runId) - 5;
		const record = vi.spyOn(store, 'record');
		const got: string[] = [];
		const stop = hub.subscribe(runId, from, 'facilitator', (f) => got.push(decoder.decode(f)));
		expect(got.map((f) => Number(/^id: (\d+)/.exec(f)![1]))).toEqual([from + 1, from + 2, from + 3, from + 4, from + 5]);
		expect(record).toHaveBeenCalledTimes(1);
		expect(calls.view).toBe(0);
		stop();
		hub.close();
	});

	it('does no more work for a subscriber that has gone', () => {
		const { feed, calls } = countingFeed(store);
		const hub = new EventHub(store, feed, { maxTail: 200, maxStreams: 100, maxPerClient: 100 });
		const got: Uint8Array[] = [];
		const stop = hub.subscribe(runId, store.revision(runId), 'anonymous', (f) => got.push(f));
		stop();
		expect(hub.subscribers()).toBe(0);
		store.setTick(runId, 'item-1', true, 'Alice');
		hub.notify(runId);
		expect(got).toEqual([]);
		expect(calls.eventData).toBe(0);
		hub.close();
	});

	it('admits streams up to the per-client and the global cap, and frees a slot once', () => {
		const { feed } = countingFeed(store);
		const hub = new EventHub(store, feed, { maxStreams: 3, maxPerClient: 2 });
		const a1 = hub.admit('10.0.0.1');
		const a2 = hub.admit('10.0.0.1');
		expect('release' in a1 && 'release' in a2).toBe(true);
		expect(hub.admit('10.0.0.1')).toMatchObject({ refused: expect.stringMatching(/from your address \(at most 2\)/), retryAfter: expect.any(Number) });
		const b1 = hub.admit('10.0.0.2');
		expect('release' in b1).toBe(true);
		expect(hub.admit('10.0.0.3')).toMatchObject({ refused: expect.stringMatching(/maximum of 3 live streams/) });
		if ('release' in a1) {
			a1.release();
			a1.release();
		}
		expect(hub.openStreams()).toBe(2);
		expect(hub.openStreams('10.0.0.1')).toBe(1);
		expect('release' in hub.admit('10.0.0.3')).toBe(true);
		hub.close();
	});

	it('refuses a bad cap in the environment with the variable and the value', () => {
		const { feed } = countingFeed(store);
		vi.stubEnv('HANDBOOK_SSE_MAX_PER_CLIENT', 'lots');
		try {
			expect(() => new EventHub(store, feed)).toThrow('HANDBOOK_SSE_MAX_PER_CLIENT must be a whole number of streams of at least 1, not "lots"');
		} finally {
			vi.unstubAllEnvs();
		}
	});
});
