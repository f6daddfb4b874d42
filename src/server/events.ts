import type { AuditEntry, RunRecord, Store } from '../store/store.ts';
import { visibleEvent, type AccessOf, type Reader } from './visibility.ts';

/** What subscribers of a run receive: one audit entry plus the state it changed. */
export interface RunEvent extends AuditEntry {
	data?: unknown;
}

/** The side of the run service the live feed needs (RunService has it). */
export interface RunFeed {
	/** The state an audit entry changed, taken from `record` (one read of the run serves a batch). */
	eventData(entry: AuditEntry, record: RunRecord): unknown;
	/** The run as `reader` may see it: what a subscriber too far behind gets instead of the entries it missed. */
	view(runId: string, reader: Reader): { revision: number };
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
	/**
	 * Frames waiting behind its catch-up, sent a few per event-loop turn (see `#drain`); undefined
	 * once it is live. `null` while its catch-up is queued and not yet read: the poll skips it then,
	 * as the catch-up will cover everything up to the entry the poll had reached.
	 */
	backlog?: Uint8Array[] | null;
}

/** A subscriber of a run whose catch-up is queued or being sent. */
interface CatchUp {
	runId: string;
	watched: Watched;
	subscriber: Subscriber;
}

interface Watched {
	lastId: number;
	subscribers: Set<Subscriber>;
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

/**
 * About the most catch-up bytes written in one event-loop turn (whole frames, at least one): a
 * burst of subscribers (a room of browsers reconnecting) is caught up across turns, so other
 * requests are answered in between.
 */
const turnBytes = 64 * 1024;

/**
 * How long a run's snapshot is sent again at the same revision: a burst of subscribers shares
 * one, but its progress also ages with the clock (results going stale), not only with entries.
 */
const snapshotTtlMs = 10_000;

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
	#snapshots = new Map<string, { revision: number; at: number; frame: Uint8Array }>();
	/** Subscribers waiting for (the rest of) their catch-up, in arrival order. */
	#catchUps: CatchUp[] = [];
	/** The next turn of `#drain`, while one is due (also marks this turn's catch-up budget as used). */
	#turn: NodeJS.Immediate | undefined;
	#drained: Array<() => void> = [];
	readonly pollMs: number;
	readonly maxTail: number;
	readonly maxStreams: number;
	readonly maxPerClient: number;

	constructor(store: Store, feed: RunFeed, limits: EventHubLimits = {}) {
		this.#store = store;
		this.#feed = feed;
		this.pollMs = limits.pollMs ?? 1000;
		this.maxTail = limits.maxTail ?? 200;
		this.maxStreams = limits.maxStreams ?? limitFromEnv('HANDBOOK_SSE_MAX_STREAMS', 512);
		this.maxPerClient = limits.maxPerClient ?? limitFromEnv('HANDBOOK_SSE_MAX_PER_CLIENT', 16);
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
	subscribe(runId: string, after: number, reader: Reader, send: Send, end?: Send): () => void {
		let watched = this.#runs.get(runId);
		if (!watched) {
			watched = { lastId: this.#store.revision(runId), subscribers: new Set() };
			this.#runs.set(runId, watched);
		}
		// An id past the run's last entry is not one this run sent: treat it as up to date.
		const subscriber: Subscriber = { reader, cursor: Math.min(Math.max(0, after), watched.lastId), send, end };
		watched.subscribers.add(subscriber);
		// Up to date (as far as the feed has read): live at once, the next poll brings the rest.
		if (subscriber.cursor < watched.lastId) {
			subscriber.backlog = null;
			this.#catchUps.push({ runId, watched, subscriber });
			// A lone subscriber is caught up at once; in a burst the others wait for the next turns.
			if (!this.#turn) this.#drain();
		}
		this.#timer ??= setInterval(() => this.#pollAll(), this.pollMs).unref();
		return () => {
			watched.subscribers.delete(subscriber);
			if (watched.subscribers.size === 0 && this.#runs.get(runId) === watched) {
				this.#runs.delete(runId);
				// Kept a while for the browsers that reconnect (a reload, a restarted proxy), then dropped.
				setTimeout(() => {
					if (this.#runs.has(runId)) return;
					for (const key of this.#snapshots.keys()) if (key.startsWith(`${runId}\n`)) this.#snapshots.delete(key);
				}, snapshotTtlMs).unref();
			}
			if (this.#runs.size === 0 && this.#timer) {
				clearInterval(this.#timer);
				this.#timer = undefined;
			}
		};
	}

	/** Resolves once every subscriber so far has been sent its whole catch-up. */
	caughtUp(): Promise<void> {
		if (this.#catchUps.length === 0) return Promise.resolve();
		return new Promise((resolve) => this.#drained.push(resolve));
	}

	/**
	 * Sends catch-ups, oldest first, until this turn's `turnBytes` are spent, then leaves the rest
	 * to the next turn (setImmediate), after the event loop has read the sockets that are ready:
	 * fifty browsers joining at once cost other requests one slice of work, not fifty.
	 */
	#drain(): void {
		this.#turn = undefined;
		let budget = turnBytes;
		while (budget > 0 && this.#catchUps.length > 0) {
			const job = this.#catchUps[0]!;
			const { subscriber } = job;
			// Gone before its turn (the client left, or the hub closed): nothing more to do for it.
			if (!job.watched.subscribers.has(subscriber) || this.#runs.get(job.runId) !== job.watched) {
				this.#catchUps.shift();
				continue;
			}
			if (subscriber.backlog === null) subscriber.backlog = this.#catchUp(job);
			const backlog = subscriber.backlog!;
			// Whole frames only: the stream's byte budget may end it after any frame.
			while (budget > 0 && backlog.length > 0) {
				const next = backlog.shift()!;
				budget -= next.byteLength;
				subscriber.send(next);
			}
			if (backlog.length > 0) break;
			subscriber.backlog = undefined;
			this.#catchUps.shift();
		}
		// At least one turn passes before the next catch-up, even when nothing is left to send.
		this.#turn = setImmediate(() => (this.#catchUps.length > 0 ? this.#drain() : this.#idle()));
	}

	#idle(): void {
		this.#turn = undefined;
		for (const resolve of this.#drained.splice(0)) resolve();
	}

	/**
	 * The frames that bring `job`'s subscriber up to the run's last entry, and its cursor moved
	 * there: the entries it missed when there are at most `maxTail` of them, else one snapshot.
	 */
	#catchUp({ runId, watched, subscriber }: CatchUp): Uint8Array[] {
		// Bring the shared feed up to date first, so the catch-up ends where it stands.
		this.#poll(runId);
		if (subscriber.cursor >= watched.lastId) return [];
		// Counted first (an index-only scan): a reader far behind costs no entry reads at all.
		if (this.#store.auditCount(runId, subscriber.cursor, this.maxTail + 1) > this.maxTail) {
			const snapshot = this.#snapshot(runId, subscriber.reader, watched.lastId);
			subscriber.cursor = snapshot.revision;
			return [snapshot.frame];
		}
		const missed = this.#store.auditLog({ runId, after: subscriber.cursor, limit: this.maxTail }).filter((e) => e.id <= watched.lastId);
		if (missed.length === 0) return [];
		subscriber.cursor = missed.at(-1)!.id;
		return this.#frames(runId, missed, [subscriber.reader]).get(subscriber.reader)!.map((f) => f.frame);
	}

	/** Delivers a run's new changes now. */
	notify(runId: string | null): void {
		if (runId && this.#runs.has(runId)) this.#poll(runId);
	}

	subscribers(): number {
		let n = 0;
		for (const w of this.#runs.values()) n += w.subscribers.size;
		return n;
	}

	/**
	 * The run's view at `revision` (its last entry, as the feed has just read it) as one frame,
	 * computed once per revision and audience, and again after `snapshotTtlMs`.
	 */
	#snapshot(runId: string, reader: Reader, revision: number): { revision: number; frame: Uint8Array } {
		const key = `${runId}\n${reader}`;
		const now = performance.now();
		const cached = this.#snapshots.get(key);
		if (cached && cached.revision === revision && now - cached.at < snapshotTtlMs) return cached;
		const view = this.#feed.view(runId, reader);
		const snapshot = { revision: view.revision, at: now, frame: frame(view.revision, 'run.snapshot', this.#feed.engine.redactor.value(view)) };
		this.#snapshots.set(key, snapshot);
		return snapshot;
	}

	/** Frames for `entries` per audience: one read of the run, one shaping and serialization each. */
	#frames(runId: string, entries: AuditEntry[], readers: Iterable<Reader>): Map<Reader, Array<{ id: number; frame: Uint8Array }>> {
		// Fields and notes are typed by people, who may paste a secret: redacted once for the batch.
		const record = this.#feed.engine.redactor.value(this.#store.record(runId));
		const accessOf: AccessOf = (id) => this.#feed.engine.handbook.checks.get(id)?.access;
		const events: RunEvent[] = entries.map((entry) => ({ ...entry, data: this.#feed.eventData(entry, record) }));
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
		for (const runId of [...this.#runs.keys()]) this.#poll(runId);
	}

	#poll(runId: string): void {
		const watched = this.#runs.get(runId);
		if (!watched) return;
		for (;;) {
			const entries = this.#store.auditLog({ runId, after: watched.lastId, limit: 1000 });
			if (entries.length === 0) return;
			watched.lastId = entries.at(-1)!.id;
			const frames = this.#frames(runId, entries, [...watched.subscribers].map((s) => s.reader));
			for (const subscriber of [...watched.subscribers]) {
				// Not read yet: its catch-up will include these entries.
				if (subscriber.backlog === null) continue;
				for (const f of frames.get(subscriber.reader) ?? []) {
					if (f.id <= subscriber.cursor) continue;
					subscriber.cursor = f.id;
					// Still being caught up: the live frames wait behind the rest of the catch-up.
					if (subscriber.backlog) subscriber.backlog.push(f.frame);
					else subscriber.send(f.frame);
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
		if (this.#turn) clearImmediate(this.#turn);
		this.#runs.clear();
		this.#snapshots.clear();
		this.#catchUps = [];
		this.#idle();
	}
}
