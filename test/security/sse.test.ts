import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecklistRegistry } from '../../src/checklists/registry.ts';
import { apiClient } from '../support/api-client.ts';
import { seedRun } from '../support/seed-run.ts';
import { facilitatorToken, startHandbook } from '../support/handbook.ts';
import type { RunningServer } from '../support/server.ts';
import { openEventStream, type EventStream } from '../support/sse.ts';

/** One public check; the runs below are seeded straight into the store. */
const checks = [{ id: 'healthz', title: 'healthz', kind: 'http', access: 'public', runbook: '/incidents/', params: { url: 'http://127.0.0.1:9/healthz' }, outcomes: [{ status: 'pass', message: 'ok' }] }];

const manualItem = () => new ChecklistRegistry().get('pre-workshop')!.items.find((i) => !i.checkId && i.fields.length === 0)!;

describe('live events cost O(new events)', () => {
	let server: RunningServer;
	let runId: string;
	let revision: number;
	let api: ReturnType<typeof apiClient>;
	beforeAll(async () => {
		const dir = mkdtempSync(join(tmpdir(), 'handbook-sse-'));
		runId = await seedRun(dir, 10_000);
		server = (await startHandbook({ checks, dataDir: dir })).server;
		api = apiClient(server.url);
		await api.signIn(facilitatorToken);
		revision = (await api.call(`/api/runs/${runId}`)).body.revision;
	}, 120_000);
	afterAll(async () => server?.stop());

	it('50 anonymous readers of a 10,000-entry run each get one snapshot, not the history, and then only what changes', async () => {
		// Fifty clients, each from its own loopback address as fifty browsers would be.
		const streams = await Promise.all(Array.from({ length: 50 }, (_, i) => openEventStream(`${server.url}/api/runs/${runId}/events`, { localAddress: `127.0.2.${i + 1}` })));
		try {
			expect(streams.map((s) => s.status)).toEqual(Array(50).fill(200));
			const snapshots = await Promise.all(streams.map((s) => s.until((e) => e.event === 'run.snapshot')));
			for (const s of snapshots) {
				expect(Number(s.id)).toBe(revision);
				expect(JSON.parse(s.data)).toMatchObject({ run: { id: runId }, revision, progress: expect.any(Object) });
			}
			expect((await api.call('/api/health')).status).toBe(200);
			const item = manualItem();
			await api.call(`/api/runs/${runId}/items/${item.id}`, { json: { checked: true } });
			const ticks = await Promise.all(streams.map((s) => s.until((e) => e.event === 'item.tick' || e.event === 'item.untick')));
			for (const [i, s] of streams.entries()) {
				// The snapshot, then the one change: not one of the 10,000 entries before it.
				expect(s.events.map((e) => e.event)).toEqual(['run.snapshot', ticks[i]!.event]);
				expect(Number(ticks[i]!.id)).toBeGreaterThan(revision);
			}
		} finally {
			for (const s of streams) s.close();
		}
	});

	it('resumes from Last-Event-ID with exactly the entries missed, then live', async () => {
		const item = manualItem();
		const from = (await api.call(`/api/runs/${runId}`)).body.revision;
		for (const checked of [false, true, false]) await api.call(`/api/runs/${runId}/items/${item.id}`, { json: { checked } });
		const stream = await openEventStream(`${server.url}/api/runs/${runId}/events`, { headers: { 'last-event-id': String(from) } });
		try {
			await stream.until(() => stream.events.length >= 3);
			expect(stream.events.map((e) => e.event)).toEqual(['item.untick', 'item.tick', 'item.untick']);
			const ids = stream.events.map((e) => Number(e.id));
			expect(ids[0]).toBeGreaterThan(from);
			expect([...ids].sort((a, b) => a - b)).toEqual(ids);
			await api.call(`/api/runs/${runId}/items/${item.id}`, { json: { checked: true } });
			await stream.until((e) => e.event === 'item.tick' && Number(e.id) > ids[2]!);
			expect(stream.events).toHaveLength(4);
		} finally {
			stream.close();
		}
	});

	it('a reader further behind than the tail it may replay gets a snapshot, then resumes after it', async () => {
		const stream = await openEventStream(`${server.url}/api/runs/${runId}/events`, { headers: { 'last-event-id': String(revision - 5000) } });
		try {
			const snapshot = await stream.until((e) => e.event === 'run.snapshot');
			const current = (await api.call(`/api/runs/${runId}`)).body.revision;
			expect(Number(snapshot.id)).toBe(current);
			expect(stream.events).toHaveLength(1);
		} finally {
			stream.close();
		}
	});
});

describe('caps on open streams', () => {
	let server: RunningServer;
	let runId: string;
	beforeAll(async () => {
		const dir = mkdtempSync(join(tmpdir(), 'handbook-sse-caps-'));
		runId = await seedRun(dir, 10);
		server = (await startHandbook({ checks, dataDir: dir, env: { HANDBOOK_SSE_MAX_PER_CLIENT: '3', HANDBOOK_SSE_MAX_STREAMS: '8' } })).server;
	});
	afterAll(async () => server?.stop());

	const open = (address: string) => openEventStream(`${server.url}/api/runs/${runId}/events`, { localAddress: address });

	/** Opens from `address` until it is admitted: the server frees a slot when it sees the socket close. */
	async function openOnceFreed(address: string): Promise<EventStream> {
		for (let i = 0; i < 50; i++) {
			const s = await open(address);
			if (s.status === 200) return s;
			s.close();
			await new Promise((r) => setTimeout(r, 100));
		}
		throw new Error(`no slot was freed for ${address}`);
	}

	it('refuses a client past its own cap with 503 and Retry-After, and frees its slots when it goes', async () => {
		const mine = await Promise.all([open('127.0.3.1'), open('127.0.3.1'), open('127.0.3.1')]);
		expect(mine.map((s) => s.status)).toEqual([200, 200, 200]);
		const fourth = await open('127.0.3.1');
		expect(fourth.status).toBe(503);
		expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
		await fourth.ended;
		// Another client is not affected.
		const other = await open('127.0.3.2');
		expect(other.status).toBe(200);
		for (const s of mine) s.close();
		const again = await Promise.all([openOnceFreed('127.0.3.1'), openOnceFreed('127.0.3.1'), openOnceFreed('127.0.3.1')]);
		for (const s of [...again, other]) s.close();
	});

	it('refuses every client past the global cap with 503 and Retry-After', async () => {
		const streams: EventStream[] = [];
		try {
			for (let i = 1; i <= 8; i++) streams.push(await openOnceFreed(`127.0.4.${i}`));
			const refused = await open('127.0.4.100');
			expect(refused.status).toBe(503);
			expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
			refused.close();
		} finally {
			for (const s of streams) s.close();
		}
	});
});
