import type { AuditEntry, Store } from '../store/store.ts';

/** What subscribers of a run receive: one audit entry plus the state it changed. */
export interface RunEvent extends AuditEntry {
	data?: unknown;
}

type Listener = (event: RunEvent) => void;

/**
 * Live updates of runs. The audit log is the change feed: every mutation writes an entry, so
 * changes made by another process (the CLI) reach open pages too. One poll per watched run
 * serves all its subscribers; writers in this process call `notify` to skip the wait.
 */
export class EventHub {
	#store: Store;
	#enrich: (entry: AuditEntry) => unknown;
	#runs = new Map<string, { lastId: number; listeners: Set<Listener> }>();
	#timer: NodeJS.Timeout | undefined;
	readonly pollMs: number;

	constructor(store: Store, enrich: (entry: AuditEntry) => unknown, pollMs = 1000) {
		this.#store = store;
		this.#enrich = enrich;
		this.pollMs = pollMs;
	}

	/** Subscribes to a run's changes after audit id `after`; returns the unsubscribe function. */
	subscribe(runId: string, after: number, listener: Listener): () => void {
		let watched = this.#runs.get(runId);
		if (!watched) {
			watched = { lastId: this.#store.revision(runId), listeners: new Set() };
			this.#runs.set(runId, watched);
		}
		// Catch this subscriber up on what it missed before it joins the shared feed.
		for (const entry of this.#store.auditLog({ runId, after, limit: 10_000 })) {
			if (entry.id <= watched.lastId) listener({ ...entry, data: this.#enrich(entry) });
		}
		watched.listeners.add(listener);
		this.#timer ??= setInterval(() => this.#pollAll(), this.pollMs).unref();
		return () => {
			watched.listeners.delete(listener);
			if (watched.listeners.size === 0) this.#runs.delete(runId);
			if (this.#runs.size === 0 && this.#timer) {
				clearInterval(this.#timer);
				this.#timer = undefined;
			}
		};
	}

	/** Delivers a run's new changes now. */
	notify(runId: string | null): void {
		if (runId && this.#runs.has(runId)) this.#poll(runId);
	}

	subscribers(): number {
		let n = 0;
		for (const w of this.#runs.values()) n += w.listeners.size;
		return n;
	}

	#pollAll(): void {
		for (const runId of this.#runs.keys()) this.#poll(runId);
	}

	#poll(runId: string): void {
		const watched = this.#runs.get(runId);
		if (!watched) return;
		const entries = this.#store.auditLog({ runId, after: watched.lastId, limit: 1000 });
		for (const entry of entries) {
			watched.lastId = entry.id;
			const event = { ...entry, data: this.#enrich(entry) };
			for (const listener of watched.listeners) listener(event);
		}
	}

	close(): void {
		if (this.#timer) clearInterval(this.#timer);
		this.#runs.clear();
	}
}
