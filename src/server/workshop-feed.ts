import type { WorkshopEvent, WorkshopStore } from '../store/workshop-store.ts';

/** A live change of a workshop, with the state it changed (for facilitators' boards). */
export interface WorkshopFeedEvent extends WorkshopEvent {
	data: unknown;
}

type Listener = (event: WorkshopFeedEvent) => void;

interface Watched {
	lastId: number;
	listeners: Set<Listener>;
	polling?: Promise<void>;
	again?: boolean;
}

/**
 * Live changes of workshops. `workshop_events` is the change feed: one poll per watched
 * workshop serves every open board; writers in this process call `notify` to skip the wait.
 */
export class WorkshopFeed {
	#records: WorkshopStore;
	#enrich: (e: WorkshopEvent) => Promise<unknown>;
	#watched = new Map<string, Watched>();
	#timer: NodeJS.Timeout | undefined;
	readonly pollMs: number;

	constructor(records: WorkshopStore, enrich: (e: WorkshopEvent) => Promise<unknown>, pollMs = 1000) {
		this.#records = records;
		this.#enrich = enrich;
		this.pollMs = pollMs;
	}

	/** Subscribes to a workshop's changes after event id `after`; returns the unsubscribe function. */
	async subscribe(workshop: string, after: number, listener: Listener): Promise<() => void> {
		let w = this.#watched.get(workshop);
		if (!w) {
			const lastId = await this.#records.lastEvent(workshop);
			w = this.#watched.get(workshop) ?? { lastId, listeners: new Set() };
			this.#watched.set(workshop, w);
		}
		const watched = w;
		// Catch up a reconnecting board on what it missed before it joins the shared feed, again
		// if the feed moved on meanwhile: joining follows the last check with no wait between.
		let cursor = after > 0 ? after : watched.lastId;
		while (cursor < watched.lastId) {
			const upTo = watched.lastId;
			const missed = (await this.#records.events(workshop, cursor, 10_000)).filter((e) => e.id <= upTo);
			if (missed.length === 0) break;
			for (const e of missed) listener({ ...e, data: await this.#enrich(e) });
			cursor = missed.at(-1)!.id;
		}
		watched.listeners.add(listener);
		this.#timer ??= setInterval(() => {
			for (const k of this.#watched.keys()) void this.#poll(k).catch(() => {});
		}, this.pollMs).unref();
		return () => {
			watched.listeners.delete(listener);
			if (watched.listeners.size === 0) this.#watched.delete(workshop);
			if (this.#watched.size === 0 && this.#timer) {
				clearInterval(this.#timer);
				this.#timer = undefined;
			}
		};
	}

	notify(workshop: string): void {
		if (this.#watched.has(workshop)) void this.#poll(workshop).catch(() => {});
	}

	/** Sends a workshop's new events to its boards: one poll at a time per workshop, another right after if asked meanwhile. */
	#poll(workshop: string): Promise<void> {
		const w = this.#watched.get(workshop);
		if (!w) return Promise.resolve();
		if (w.polling) {
			w.again = true;
			return w.polling;
		}
		w.polling = (async () => {
			try {
				do {
					w.again = false;
					const events = await this.#records.events(workshop, w.lastId);
					if (events.length) w.lastId = events.at(-1)!.id;
					for (const e of events) {
						const event = { ...e, data: await this.#enrich(e) };
						for (const l of w.listeners) l(event);
					}
				} while (w.again);
			} finally {
				w.polling = undefined;
			}
		})();
		return w.polling;
	}

	close(): void {
		if (this.#timer) clearInterval(this.#timer);
		this.#watched.clear();
	}
}
