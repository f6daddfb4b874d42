import { fetchFrom } from './api-client.ts';

export interface SseEvent {
	id: string | null;
	event: string;
	data: string;
}

export interface EventStream {
	status: number;
	headers: Headers;
	/** Every event received so far, in order. */
	events: SseEvent[];
	/** Bytes received so far. */
	bytes(): number;
	/** The raw text received so far (comments and `retry:` lines included). */
	text(): string;
	/** Waits for the first event (from the start of the stream) that `match` accepts. */
	until(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
	/** Resolves when the server ends the stream. */
	ended: Promise<void>;
	close(): void;
}

/** Parses complete SSE frames out of `buffer`; returns the events and what is left over. */
export function parseFrames(buffer: string): { events: SseEvent[]; rest: string } {
	const events: SseEvent[] = [];
	const frames = buffer.split('\n\n');
	const rest = frames.pop()!;
	for (const frame of frames) {
		let id: string | null = null;
		let event = 'message';
		const data: string[] = [];
		let any = false;
		for (const line of frame.split('\n')) {
			if (line.startsWith(':') || line === '') continue;
			const colon = line.indexOf(':');
			const field = colon < 0 ? line : line.slice(0, colon);
			const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
			if (field === 'id') id = value;
			else if (field === 'event') event = value;
			else if (field === 'data') data.push(value);
			else continue;
			any = true;
		}
		if (any && (data.length || id !== null)) events.push({ id, event, data: data.join('\n') });
	}
	return { events, rest };
}

/**
 * Opens a Server-Sent Events stream as a browser's EventSource would (optionally from another
 * loopback address) and collects its events in the background.
 */
export async function openEventStream(url: string, options: { headers?: Record<string, string>; localAddress?: string } = {}): Promise<EventStream> {
	const controller = new AbortController();
	const send = options.localAddress ? fetchFrom(options.localAddress) : fetch;
	const res = await send(url, { headers: { accept: 'text/event-stream', ...options.headers }, signal: controller.signal });
	const events: SseEvent[] = [];
	let bytes = 0;
	let raw = '';
	const waiters = new Set<() => void>();
	const wake = () => {
		for (const w of [...waiters]) w();
	};
	let finished = false;
	const ended = (async () => {
		if (!res.body) return;
		const reader = res.body.getReader();
		const decoder = new TextDecoder();
		let buffer = '';
		try {
			for (;;) {
				const { done, value } = await reader.read();
				if (done) break;
				bytes += value.byteLength;
				const chunk = decoder.decode(value, { stream: true });
				raw += chunk;
				const parsed = parseFrames(buffer + chunk);
				buffer = parsed.rest;
				if (parsed.events.length) {
					events.push(...parsed.events);
					wake();
				}
			}
		} catch {
			// closed by us or the server
		} finally {
			finished = true;
			wake();
		}
	})();
	return {
		status: res.status,
		headers: res.headers,
		events,
		bytes: () => bytes,
		text: () => raw,
		ended,
		until(match, timeoutMs = 20_000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					const found = events.find(match);
					if (found) {
						waiters.delete(check);
						clearTimeout(timer);
						resolve(found);
					} else if (finished) {
						waiters.delete(check);
						clearTimeout(timer);
						reject(new Error(`the stream ended without the awaited event; got: ${events.map((e) => e.event).slice(0, 20).join(', ')}`));
					}
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(new Error(`no awaited event within ${timeoutMs} ms; got ${events.length} events: ${events.map((e) => e.event).slice(0, 20).join(', ')}`));
				}, timeoutMs);
				waiters.add(check);
				check();
			});
		},
		close: () => controller.abort(),
	};
}
