import { yourTurn } from '../../../../server/accept-first.ts';
import { requestClient } from '../../../../server/client.ts';
import { readerOf } from '../../../../server/authorize.ts';
import { endpoint, json } from '../../../../server/http.ts';
import { draining } from '../../../../server/lifecycle.ts';

export const prerender = false;

const encoder = new TextEncoder();
const keepAlive = encoder.encode(': keep-alive\n\n');
/**
 * A stream ends (and the browser reconnects with Last-Event-ID) after this many bytes: the Node
 * server buffers whatever a client does not read, so this bounds what a stalled reader can hold.
 */
const streamBudget = 1024 * 1024;

/**
 * Live updates of a run as Server-Sent Events. Each event's id is the audit id, so a browser
 * that reconnects (Last-Event-ID, or `?after=` on first connect) gets what it missed: the missed
 * entries when there are few, else one `run.snapshot` event with the run's current view. Anonymous
 * readers get what they may see of each change (src/server/visibility.ts). Past the per-client or
 * the global cap on open streams the answer is 503 with Retry-After.
 */
export const GET = endpoint(async (app, context) => {
	// Opened in a turn of its own, after any waiting connection has been taken in: fifty pages
	// reconnecting at once do not hold up anyone else (src/server/accept-first.ts).
	await yourTurn();
	// A client that left while its stream waited costs nothing more.
	if (context.request.signal.aborted) return new Response(null, { status: 499 });
	const runId = context.params.id!;
	await app.store.run(runId);
	const reader = await readerOf(app, context);
	const raw = Number(context.request.headers.get('last-event-id') ?? context.url.searchParams.get('after') ?? 0);
	const after = Number.isSafeInteger(raw) && raw > 0 ? raw : 0;
	if (draining()) return json({ error: 'the handbook is restarting; reconnect in a few seconds' }, 503, { 'retry-after': '5' });
	const admission = app.events.admit(requestClient(context).address);
	if ('refused' in admission) return json({ error: admission.refused }, 503, { 'retry-after': String(admission.retryAfter) });

	let closed = false;
	let unsubscribe = () => {};
	let heartbeat: NodeJS.Timeout | undefined;
	// Every way a stream ends (client gone, budget spent, enqueue failing) comes here once.
	const close = () => {
		if (closed) return;
		closed = true;
		unsubscribe();
		clearInterval(heartbeat);
		context.request.signal.removeEventListener('abort', close);
		admission.release();
	};
	const stream = new ReadableStream<Uint8Array>({
		async start(controller) {
			let budget = streamBudget;
			const send = (chunk: Uint8Array) => {
				if (closed) return;
				try {
					controller.enqueue(chunk);
				} catch {
					return close();
				}
				budget -= chunk.byteLength;
				if (budget <= 0) end();
			};
			// Ends the stream; the browser reconnects after `retry` and resumes from its last event id.
			const end = (farewell?: Uint8Array) => {
				if (closed) return;
				close();
				try {
					if (farewell) controller.enqueue(farewell);
					controller.close();
				} catch {
					// the client is already gone
				}
			};
			try {
				send(encoder.encode(`retry: 2000\n: run ${runId}\n\n`));
				const stop = await app.events.subscribe(runId, after, reader, send, end);
				if (closed) stop();
				else unsubscribe = stop;
			} catch (err) {
				close();
				throw err;
			}
			if (closed) return;
			heartbeat = setInterval(() => send(keepAlive), 15_000);
			context.request.signal.addEventListener('abort', close, { once: true });
			if (context.request.signal.aborted) close();
		},
		cancel() {
			close();
		},
	});
	return new Response(stream, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' } });
});
