import type { Server } from 'node:net';

export interface AcceptFirstOptions {
	/** Turns in a row a waiting piece of work may be put off for new connections (bounds the wait when connections never stop coming). */
	maxDeferrals?: number;
}

/**
 * A queue for costly request handlers (opening a live stream) that lets everyone else in first.
 * `npm start` makes one for its server (`shareAcceptFirst`); the live-stream endpoint waits for
 * its turn in it (`yourTurn`).
 *
 * Node accepts one new connection per event-loop turn, and a connection waits in the kernel's
 * queue behind every connection that came before it. When fifty browsers open their live
 * streams at once (a reconnect after a restart, one client opening tabs), a health check or a
 * facilitator's click arriving on a new connection would wait for all fifty openings to be
 * served, one per turn. Here each queued piece of work runs in a turn of its own, and only in a
 * turn in which no new connection was accepted: the burst's connections and anyone else's are
 * all taken in within a few milliseconds, requests on them that are not queued are answered at
 * once, and the queued openings follow, one per turn (capped by `maxDeferrals`, so a steady
 * stream of connections cannot hold the queue forever).
 *
 * @example
 * const later = acceptFirst(http); later(() => handler(req, res));
 */
export function acceptFirst(server: Server, options: AcceptFirstOptions = {}): (work: () => void) => void {
	const maxDeferrals = options.maxDeferrals ?? 64;
	const queue: Array<() => void> = [];
	let accepted = false;
	let deferrals = 0;
	server.on('connection', () => {
		accepted = true;
	});
	const turn = () => {
		if (accepted && deferrals < maxDeferrals) {
			accepted = false;
			deferrals++;
			setImmediate(turn);
			return;
		}
		accepted = false;
		deferrals = 0;
		const work = queue.shift()!;
		try {
			work();
		} finally {
			if (queue.length) setImmediate(turn);
		}
	};
	return (work) => {
		queue.push(work);
		if (queue.length === 1) setImmediate(turn);
	};
}

const key = Symbol.for('workshop-handbook.accept-first');
const shared = globalThis as { [key]?: (work: () => void) => void };

/**
 * Makes `server`'s queue the process's, for `yourTurn`: shared through `globalThis` because
 * `npm start` loads the server twice over (scripts/serve.ts from src/, the endpoints from dist/),
 * as src/server/lifecycle.ts explains.
 */
export function shareAcceptFirst(server: Server, options: AcceptFirstOptions = {}): void {
	shared[key] = acceptFirst(server, options);
}

/**
 * Resolves in an event-loop turn of its own once the connections waiting to be accepted have
 * been taken in (see `acceptFirst`); at once when no server shared a queue (`astro dev`, tests
 * that call the app directly).
 */
export function yourTurn(): Promise<void> {
	const later = shared[key];
	return later ? new Promise((resolve) => later(resolve)) : Promise.resolve();
}
