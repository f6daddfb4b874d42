import type { AuditEntry, RunRecord, Store } from '../store/store.ts';
import { visibleEvent, type AccessOf, type Reader } from './visibility.ts';

/** What subscribers of a run receive: one audit entry plus the state it changed. */
export interface RunEvent extends AuditEntry {
	data?: unknown;
}

/** The side of the run service the live feed needs (RunService has it). */
export interface RunFeed {
	/** The state an audit entry changed, taken from `record` (one read of the run serves a batch). */
	eventData(entry: AuditEntry, record: RunRecord): Promise<unknown>;
	/** The run as `reader` may see it: what a subscriber too far behind gets instead of the entries it missed. */
	view(runId: string, reader: Reader): Promise<{ revision: number }>;
	readonly engine: { handbook: { checks: ReadonlyMap<string, { access: 'public' | 'facilitator' }> }; redactor: { value<T>(v: T): T } };
}

/** Sends one SSE frame (already encoded, shared by every subscriber of the same audience). */
type Send = (frame: Uint8Array) => void;

interface Subscriber {
	reader: Reader;
	/** Highest audit id this subscriber has been sent (or covered by a snapshot). */
	cursor: number;
	send: Send;
	/** Ends the subscriber's stream after one last frame (see `closeAll`). */
	end?: Send;
}

interface Watched {
	lastId: number;
	subscribers: Set<Subscriber>;
	/** The poll under way (one at a time per run), and whether another was asked for meanwhile. */
	polling?: Promise<void>;
	again?: boolean;
}

export interface EventHubLimits {
	/** How often the audit log is polled for changes made by other processes (the CLI). */
	pollMs?: number;
	/** The most missed entries a subscriber is sent one by one; further behind, it gets a snapshot. */
	maxTail?: number;
	/** Open streams in all (HANDBOOK_SSE_MAX_STREAMS, default 512). */
	maxStreams?: number;
	/** Open streams per client address (HANDBOOK_SSE_MAX_PER_CLIENT, default 16). */
	maxPerClient?: number;
	/** Snapshots kept, watched or not (one per run and audience; default 32). */
	maxSnapshots?: number;
}

/** A stream admitted under the caps; `release` frees its slot (idempotent). */
export type Admission = { release: () => void } | { refused: string; retryAfter: number };

function limitFromEnv(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of streams of at least 1, not "${raw}"`);
	return n;
}

const encoder = new TextEncoder();

/** One SSE frame: `id`, `event` and the JSON data on one line (JSON never contains a raw newline). */
function frame(id: number, event: string, data: unknown): Uint8Array {
	return encoder.encode(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * Live updates of runs. The audit log is the change feed: every mutation writes an entry, so
 * changes made by another process (the CLI) reach open pages too. One poll per watched run
 * serves all its subscribers; writers in this process call `notify` to skip the wait.
 *
 * Each subscriber costs O(new events): a new one is sent at most `maxTail` missed entries (from
 * one read of the run), or else one snapshot of the run shared by everyone joining at that
 * revision; each new entry is read, shaped for each audience and serialized once, whatever the
 * number of subscribers. Streams are capped per client address and in all.
 */
export class EventHub {
	#store: Store;
	#feed: RunFeed;
	#runs = new Map<string, Watched>();
	#timer: NodeJS.Timeout | undefined;
	#open = new Map<string, number>();
	#openTotal = 0;
	#snapshots = new Map<string, { revision: number; frame: Uint8Array }>();
	/** Subscriptions in line (see #inTurn): the last one's settling, and how many wait. */
	#turns: Promise<void> = Promise.resolve();
	#waiting = 0;
	readonly pollMs: number;
	readonly maxTail: number;
	readonly maxStreams: number;
	readonly maxPerClient: number;
	readonly maxSnapshots: number;

	constructor(store: Store, feed: RunFeed, limits: EventHubLimits = {}) {
		this.#store = store;
		this.#feed = feed;
		this.pollMs = limits.pollMs ?? 1000;
		this.maxTail = limits.maxTail ?? 200;
		this.maxStreams = limits.maxStreams ?? limitFromEnv('HANDBOOK_SSE_MAX_STREAMS', 512);
		this.maxPerClient = limits.maxPerClient ?? limitFromEnv('HANDBOOK_SSE_MAX_PER_CLIENT', 16);
		this.maxSnapshots = limits.maxSnapshots ?? 32;
	}

	/**
	 * Takes a stream slot for `client` (its address), or says why not: past either cap the
	 * endpoint answers 503 with Retry-After, so one client cannot hold every stream.
	 */
	admit(client: string): Admission {
		const mine = this.#open.get(client) ?? 0;
		if (mine >= this.maxPerClient) return { refused: `too many live streams from your address (at most ${this.maxPerClient}); close other tabs of this run or try again shortly`, retryAfter: 10 };
		if (this.#openTotal >= this.maxStreams) return { refused: `the handbook is serving its maximum of ${this.maxStreams} live streams; try again shortly`, retryAfter: 10 };
		this.#open.set(client, mine + 1);
		this.#openTotal++;
		let released = false;
		return {
			release: () => {
				if (released) return;
				released = true;
				this.#openTotal--;
				const left = (this.#open.get(client) ?? 1) - 1;
				if (left > 0) this.#open.set(client, left);
				else this.#open.delete(client);
			},
		};
	}

	/** Open streams, in all and from one client. */
	openStreams(client?: string): number {
		return client === undefined ? this.#openTotal : (this.#open.get(client) ?? 0);
	}

	/**
	 * Subscribes to a run's changes after audit id `after`, as `reader` may see them; returns the
	 * unsubscribe function. The subscriber is caught up at once: the entries it missed when there
	 * are at most `maxTail` of them, else a `run.snapshot` event carrying the run's current view.
	 */
	subscribe(runId: string, after: number, reader: Reader, send: Send, end?: Send): Promise<() => void> {
		return this.#inTurn(() => this.#subscribe(runId, after, reader, send, end));
	}

	/**
	 * Runs subscriptions one after another, each in an event-loop turn of its own when others
	 * wait (setImmediate, after the sockets that are ready have been read): fifty browsers joining
	 * at once cost other requests one catch-up per turn, not fifty in one, and the snapshot they
	 * share is computed by the first and read from the cache by the rest. A lone subscriber is
	 * served at once.
	 */
	#inTurn<T>(work: () => Promise<T>): Promise<T> {
		const alone = this.#waiting === 0;
		this.#waiting++;
		const result = this.#turns.then(async () => {
			try {
				if (!alone) await new Promise<void>((resolve) => setImmediate(resolve));
				return await work();
			} finally {
				this.#waiting--;
			}
		});
		this.#turns = result.then(
			() => undefined,
			() => undefined,
		);
		return result;
	}

	async #subscribe(runId: string, after: number, reader: Reader, send: Send, end?: Send): Promise<() => void> {
		let watched = this.#runs.get(runId);
		if (!watched) {
			const lastId = await this.#store.revision(runId);
			// Another subscriber of the run may have started watching it meanwhile.
			watched = this.#runs.get(runId) ?? { lastId, subscribers: new Set() };
			this.#runs.set(runId, watched);
		} else {
			// Bring the shared feed up to date first, so the catch-up below ends where it stands.
			await this.#poll(runId);
		}
		const w = watched;
		// An id past the run's last entry is not one this run sent: treat it as up to date.
		const subscriber: Subscriber = { reader, cursor: Math.min(Math.max(0, after), w.lastId), send, end };
		// Caught up to where the shared feed stands, again if it moved on while this one was read:
		// joining the feed happens with no wait after the last check, so no entry falls between.
		while (subscriber.cursor < w.lastId) {
			const upTo = w.lastId;
			// Counted first (an index-only scan): a reader far behind costs no entry reads at all.
			if ((await this.#store.auditCount(runId, subscriber.cursor, this.maxTail + 1)) > this.maxTail) {
				const snapshot = await this.#snapshot(runId, reader);
				send(snapshot.frame);
				subscriber.cursor = Math.max(subscriber.cursor, snapshot.revision);
			} else {
				const missed = (await this.#store.auditLog({ runId, after: subscriber.cursor, limit: this.maxTail })).filter((e) => e.id <= upTo);
				if (missed.length === 0) break;
				for (const f of (await this.#frames(runId, missed, [reader])).get(reader)!) send(f.frame);
				subscriber.cursor = missed.at(-1)!.id;
			}
		}
		watched.subscribers.add(subscriber);
		this.#timer ??= setInterval(() => this.#pollAll(), this.pollMs).unref();
		return () => {
			watched.subscribers.delete(subscriber);
			// The run's snapshots stay cached (a few, see #snapshot): pages that all drop at once
			// (a network blip, a proxy restart) come back to the same revision.
			if (watched.subscribers.size === 0 && this.#runs.get(runId) === watched) this.#runs.delete(runId);
			if (this.#runs.size === 0 && this.#timer) {
				clearInterval(this.#timer);
				this.#timer = undefined;
			}
		};
	}

	/** Delivers a run's new changes now (a write here, or one another instance announced). */
	notify(runId: string | null): void {
		if (runId && this.#runs.has(runId)) void this.#poll(runId).catch(() => {});
	}

	subscribers(): number {
		let n = 0;
		for (const w of this.#runs.values()) n += w.subscribers.size;
		return n;
	}

	/**
	 * The run's current view as one frame, computed once per revision and audience. The last
	 * `maxSnapshots` are kept, watched or not, the least recently used dropped first.
	 */
	async #snapshot(runId: string, reader: Reader): Promise<{ revision: number; frame: Uint8Array }> {
		const key = `${runId}\n${reader}`;
		const revision = await this.#store.revision(runId);
		const cached = this.#snapshots.get(key);
		this.#snapshots.delete(key);
		if (cached && cached.revision === revision) {
			this.#snapshots.set(key, cached);
			return cached;
		}
		const view = await this.#feed.view(runId, reader);
		const snapshot = { revision: view.revision, frame: frame(view.revision, 'run.snapshot', this.#feed.engine.redactor.value(view)) };
		this.#snapshots.set(key, snapshot);
		for (const oldest of this.#snapshots.keys()) {
			if (this.#snapshots.size <= this.maxSnapshots) break;
			this.#snapshots.delete(oldest);
		}
		return snapshot;
	}

	/** Frames for `entries` per audience: one read of the run, one shaping and serialization each. */
	async #frames(runId: string, entries: AuditEntry[], readers: Iterable<Reader>): Promise<Map<Reader, Array<{ id: number; frame: Uint8Array }>>> {
		// Fields and notes are typed by people, who may paste a secret: redacted once for the batch.
		const record = this.#feed.engine.redactor.value(await this.#store.record(runId));
		const accessOf: AccessOf = (id) => this.#feed.engine.handbook.checks.get(id)?.access;
		const events: RunEvent[] = [];
		for (const entry of entries) events.push({ ...entry, data: await this.#feed.eventData(entry, record) });
		const out = new Map<Reader, Array<{ id: number; frame: Uint8Array }>>();
		for (const reader of readers) {
			if (out.has(reader)) continue;
			out.set(
				reader,
				events.map((e) => ({ id: e.id, frame: frame(e.id, e.action, this.#feed.engine.redactor.value(visibleEvent(e, reader, accessOf))) })),
			);
		}
		return out;
	}

	#pollAll(): void {
		for (const runId of [...this.#runs.keys()]) void this.#poll(runId).catch(() => {});
	}

	/** Sends a run's new entries to its subscribers: one poll at a time per run, another right after if asked meanwhile. */
	#poll(runId: string): Promise<void> {
		const watched = this.#runs.get(runId);
		if (!watched) return Promise.resolve();
		if (watched.polling) {
			watched.again = true;
			return watched.polling;
		}
		watched.polling = (async () => {
			try {
				do {
					watched.again = false;
					await this.#pollOnce(runId, watched);
				} while (watched.again);
			} finally {
				watched.polling = undefined;
			}
		})();
		return watched.polling;
	}

	async #pollOnce(runId: string, watched: Watched): Promise<void> {
		for (;;) {
			const entries = await this.#store.auditLog({ runId, after: watched.lastId, limit: 1000 });
			if (entries.length === 0) return;
			// Moved on before the frames are made: a subscriber joining meanwhile catches up to here itself.
			watched.lastId = entries.at(-1)!.id;
			const frames = await this.#frames(runId, entries, [...watched.subscribers].map((s) => s.reader));
			for (const subscriber of [...watched.subscribers]) {
				for (const f of frames.get(subscriber.reader) ?? []) {
					if (f.id <= subscriber.cursor) continue;
					subscriber.cursor = f.id;
					subscriber.send(f.frame);
				}
			}
			if (entries.length < 1000) return;
		}
	}

	/**
	 * Ends every open stream after telling it when to reconnect (`retry:`): on shutdown, so the
	 * browsers come back to the restarted server and resume from their last event id.
	 */
	closeAll(reconnectMs = 3000): number {
		const farewell = encoder.encode(`retry: ${reconnectMs}\n: the handbook is restarting; reconnect in ${reconnectMs} ms\n\n`);
		let n = 0;
		for (const watched of [...this.#runs.values()]) {
			for (const subscriber of [...watched.subscribers]) {
				n++;
				if (subscriber.end) subscriber.end(farewell);
				else subscriber.send(farewell);
			}
		}
		return n;
	}

	close(): void {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = undefined;
		this.#runs.clear();
		this.#snapshots.clear();
	}
}
