import { authorize } from '../../../../server/authorize.ts';
import { endpoint } from '../../../../server/http.ts';
import { monthParam } from '../../../../server/loop-http.ts';

export const prerender = false;

/**
 * Live changes of a workshop as Server-Sent Events (facilitators): help requests, incidents,
 * feedback counts and the code. Each event's id is its change id, so a board that reconnects
 * (Last-Event-ID) gets exactly what it missed.
 */
export const GET = endpoint(async (app, context) => {
	await authorize(app, context, 'staff.read');
	const workshop = monthParam(context);
	const after = Number(context.request.headers.get('last-event-id') ?? context.url.searchParams.get('after') ?? 0) || 0;
	const encoder = new TextEncoder();
	let unsubscribe = () => {};
	let heartbeat: NodeJS.Timeout | undefined;
	const stream = new ReadableStream<Uint8Array>({
		async start(controller) {
			const close = () => {
				unsubscribe();
				clearInterval(heartbeat);
			};
			const send = (text: string) => {
				try {
					controller.enqueue(encoder.encode(text));
				} catch {
					close();
				}
			};
			send(`retry: 2000\n: workshop ${workshop}\n\n`);
			unsubscribe = await app.workshops.feed.subscribe(workshop, after, (event) => {
				send(`id: ${event.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(app.engine.redactor.value(event))}\n\n`);
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
