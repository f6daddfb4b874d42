// The live transport of one run: Server-Sent Events from /api/runs/:id/events, reconnecting with
// the last event id after any drop. It parses frames and hands them on; the run's state is the
// store's (run-store.ts).
import type { RunView } from '../server/runs.ts';
import { runEventNames, runSnapshotEvent, type RunEvent } from '../server/run-event.ts';

export type Connection = 'offline' | 'connecting' | 'live' | 'reconnecting';

export interface RunStreamHandlers {
	/** The connection state changed. */
	connection(state: Connection): void;
	/** The stream is open again after a drop: events may have been missed while it was not. */
	reconnected(): void;
	/** One live event (an audit action of `runEventNames`). */
	event(action: (typeof runEventNames)[number], entry: RunEvent): void;
	/** The run's whole view, sent when this reader was too far behind for single events. */
	snapshot(view: RunView): void;
}

/** Follows one run; `close()` ends it for good. */
export class RunStream {
	readonly runId: string;
	/** The id of the newest event received (or the revision the stream started after). */
	lastEventId: number;
	#handlers: RunStreamHandlers;
	#source: EventSource | null = null;
	#retry = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#closed = false;

	constructor(runId: string, after: number, handlers: RunStreamHandlers) {
		this.runId = runId;
		this.lastEventId = after;
		this.#handlers = handlers;
		this.#connect();
	}

	close(): void {
		this.#closed = true;
		clearTimeout(this.#timer);
		this.#source?.close();
		this.#source = null;
	}

	#connect(): void {
		const source = new EventSource(`/api/runs/${encodeURIComponent(this.runId)}/events?after=${this.lastEventId}`);
		this.#source = source;
		let reconnecting = this.#retry > 0;
		this.#handlers.connection(reconnecting ? 'reconnecting' : 'connecting');
		source.onopen = () => {
			if (this.#source !== source) return;
			if (reconnecting) this.#handlers.reconnected();
			reconnecting = false;
			this.#retry = 0;
			this.#handlers.connection('live');
		};
		source.onerror = () => {
			if (this.#source !== source) return;
			reconnecting = true;
			// The browser retries by itself unless the stream was refused; then back off and open anew.
			if (source.readyState === EventSource.CLOSED) {
				source.close();
				const delay = Math.min(30_000, 1000 * 2 ** this.#retry++);
				this.#timer = setTimeout(() => !this.#closed && this.#source === source && this.#connect(), delay);
			}
			this.#handlers.connection('reconnecting');
		};
		const take = (event: MessageEvent<string>): unknown => {
			this.lastEventId = Math.max(this.lastEventId, Number(event.lastEventId) || 0);
			return JSON.parse(event.data);
		};
		for (const name of runEventNames) {
			source.addEventListener(name, (e) => this.#source === source && this.#handlers.event(name, take(e as MessageEvent<string>) as RunEvent));
		}
		source.addEventListener(runSnapshotEvent, (e) => this.#source === source && this.#handlers.snapshot(take(e as MessageEvent<string>) as RunView));
	}
}
