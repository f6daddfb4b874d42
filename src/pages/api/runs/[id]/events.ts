import { endpoint } from '../../../../server/http.ts';

export const prerender = false;

/**
 * Live updates of a run as Server-Sent Events. Each event's id is the audit id, so a browser
 * that reconnects (Last-Event-ID) gets exactly what it missed.
 */
export const GET = endpoint((app, context) => {
	const runId = context.params.id!;
	app.store.run(runId);
	const after = Number(context.request.headers.get('last-event-id') ?? context.url.searchParams.get('after') ?? 0) || 0;
	const encoder = new TextEncoder();
	let unsubscribe = () => {};
	let heartbeat: NodeJS.Timeout | undefined;
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			const send = (text: string) => {
				try {
					controller.enqueue(encoder.encode(text));
				} catch {
					close();
				}
			};
			const close = () => {
				unsubscribe();
				clearInterval(heartbeat);
			};
			send(`retry: 2000\n: run ${runId}\n\n`);
			unsubscribe = app.events.subscribe(runId, after, (event) => {
				send(`id: ${event.id}\nevent: ${event.action}\ndata: ${JSON.stringify(app.engine.redactor.value(event))}\n\n`);
			});
			heartbeat = setInterval(() => send(': keep-alive\n\n'), 15_000);
			context.request.signal.addEventListener('abort', close, { once: true });
		},
		cancel() {
			unsubscribe();
			clearInterval(heartbeat);
		},
	});
	return new Response(stream, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' } });
});
