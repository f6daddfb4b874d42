// A bare SSE client for the benchmarks: one socket, an HTTP/1.0 request (so the body comes
// unchunked until the server closes), the bytes counted and the first complete event noticed.
// It costs the benchmark process a fraction of what a fetch-based client does (an undici agent,
// web streams and a frame parser per stream), so fifty of them at once leave the CPU of this
// two-core machine to the server being measured.
import { connect, type Socket } from 'node:net';

export interface RawStream {
	/** The HTTP status of the answer. */
	status: number;
	/** Resolves when the first complete event (`event:` … blank line) has arrived. */
	firstEvent: Promise<void>;
	bytes(): number;
	close(): void;
}

/** Opens `url` (http only) from `localAddress` as an EventSource would, and resolves once the answer's headers are in. */
export function openRawStream(url: string, localAddress: string, timeoutMs = 300_000): Promise<RawStream> {
	const { hostname, port, pathname, search } = new URL(url);
	return new Promise((resolve, reject) => {
		const socket: Socket = connect({ host: hostname, port: Number(port), localAddress });
		let head = '';
		let body = '';
		let bytes = 0;
		let status = 0;
		let onFirst: (() => void) | undefined;
		let failFirst: ((err: Error) => void) | undefined;
		const firstEvent = new Promise<void>((res, rej) => {
			onFirst = res;
			failFirst = rej;
		});
		firstEvent.catch(() => {});
		const timer = setTimeout(() => socket.destroy(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
		const stream: RawStream = {
			get status() {
				return status;
			},
			firstEvent,
			bytes: () => bytes,
			close: () => {
				clearTimeout(timer);
				socket.destroy();
			},
		};
		socket.setEncoding('latin1');
		socket.write(`GET ${pathname}${search} HTTP/1.0\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`);
		socket.on('data', (chunk: string) => {
			bytes += chunk.length;
			if (!status) {
				head += chunk;
				const end = head.indexOf('\r\n\r\n');
				if (end < 0) return;
				status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
				body = head.slice(end + 4);
				resolve(stream);
			} else if (onFirst) body += chunk;
			if (onFirst && /(^|\n)event: [^\n]*\n(?:[^\n]+\n)*\n/.test(body)) {
				clearTimeout(timer);
				onFirst();
				onFirst = undefined;
				body = '';
			}
		});
		socket.on('error', (err) => {
			failFirst?.(err);
			if (!status) reject(err);
		});
		socket.on('close', () => {
			clearTimeout(timer);
			failFirst?.(new Error('the stream closed before its first event'));
			if (!status) reject(new Error('the connection closed before an answer'));
		});
	});
}
