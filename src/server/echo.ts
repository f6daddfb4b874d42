import { createHash } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** RFC 6455's fixed GUID for the handshake's accept key. */
const handshakeGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface EchoOptions {
	/** URL path of the echo endpoint. */
	path?: string;
	/** Largest message echoed, in bytes; a larger one closes the connection (1009). */
	maxPayload?: number;
	/** Messages per connection before it is closed (1008). */
	maxMessages?: number;
	/** How long a connection may stay open. */
	lifetimeMs?: number;
	/** Connections open at once; more are refused with 503. */
	maxConnections?: number;
}

/** The `Sec-WebSocket-Accept` value for a client's `Sec-WebSocket-Key`. */
export function acceptKey(key: string): string {
	return createHash('sha1').update(key + handshakeGuid).digest('base64');
}

/** One unmasked server frame (server-to-client frames are never masked). */
function frame(opcode: number, payload: Buffer): Buffer {
	const n = payload.length;
	const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff]);
	return Buffer.concat([head, payload]);
}

function closeFrame(code: number, reason: string): Buffer {
	const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
	payload.writeUInt16BE(code, 0);
	payload.write(reason, 2);
	return frame(0x8, payload);
}

function refuse(socket: Duplex, status: string): void {
	socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Attaches a WebSocket echo endpoint to an HTTP server: the participants' self-check opens a
 * WebSocket through their own network (proxies, VPNs, firewalls) and expects its message back.
 * Deliberately small and bounded: same-origin browsers only, short messages, a few of them, for
 * a few seconds, a bounded number of connections. Any other upgrade request is refused.
 *
 * @example
 * const { server } = startServer(); attachEcho(server.server); // ws://host/api/echo
 */
export function attachEcho(server: Server, options: EchoOptions = {}): void {
	const { path = '/api/echo', maxPayload = 4096, maxMessages = 20, lifetimeMs = 30_000, maxConnections = 200 } = options;
	let open = 0;

	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		socket.on('error', () => socket.destroy());
		const url = new URL(req.url ?? '/', 'http://handbook.invalid');
		if (url.pathname !== path) return refuse(socket, '404 Not Found');
		const key = req.headers['sec-websocket-key'];
		if (req.method !== 'GET' || req.headers.upgrade?.toLowerCase() !== 'websocket' || req.headers['sec-websocket-version'] !== '13' || typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16) {
			return refuse(socket, '400 Bad Request');
		}
		// Browsers always send Origin: only pages of this handbook may use the echo.
		const origin = req.headers.origin;
		const hosts = [req.headers.host, req.headers['x-forwarded-host']].filter(Boolean);
		if (origin !== undefined) {
			let originHost = '';
			try {
				originHost = new URL(origin).host;
			} catch {
				// an unparsable Origin is refused below
			}
			if (!hosts.includes(originHost)) return refuse(socket, '403 Forbidden');
		}
		if (open >= maxConnections) return refuse(socket, '503 Service Unavailable');
		open++;
		socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`);

		let buffered: Buffer = head.length ? Buffer.from(head) : Buffer.alloc(0);
		let messages = 0;
		let closing = false;
		const close = (code: number, reason: string) => {
			if (closing) return;
			closing = true;
			socket.end(closeFrame(code, reason));
			setTimeout(() => socket.destroy(), 1000).unref();
		};
		const lifetime = setTimeout(() => close(1000, 'echo session over'), lifetimeMs);
		lifetime.unref();
		socket.once('close', () => {
			open--;
			clearTimeout(lifetime);
		});

		const consume = () => {
			while (!closing && buffered.length >= 2) {
				const fin = (buffered[0]! & 0x80) !== 0;
				const opcode = buffered[0]! & 0x0f;
				const masked = (buffered[1]! & 0x80) !== 0;
				let length = buffered[1]! & 0x7f;
				let offset = 2;
				if (length === 126) {
					if (buffered.length < 4) return;
					length = buffered.readUInt16BE(2);
					offset = 4;
				} else if (length === 127) {
					if (buffered.length < 10) return;
					const big = buffered.readBigUInt64BE(2);
					length = big > BigInt(maxPayload) ? maxPayload + 1 : Number(big);
					offset = 10;
				}
				if (!masked) return close(1002, 'client frames must be masked');
				if (length > maxPayload) return close(1009, `messages are limited to ${maxPayload} bytes`);
				if (buffered.length < offset + 4 + length) return;
				const mask = buffered.subarray(offset, offset + 4);
				const payload = Buffer.from(buffered.subarray(offset + 4, offset + 4 + length));
				for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
				buffered = buffered.subarray(offset + 4 + length);
				if (opcode === 0x8) return close(payload.length >= 2 ? payload.readUInt16BE(0) : 1000, '');
				if (opcode === 0x9) socket.write(frame(0xa, payload));
				else if (opcode === 0x1 || opcode === 0x2) {
					if (!fin) return close(1003, 'fragmented messages are not echoed');
					if (++messages > maxMessages) return close(1008, `at most ${maxMessages} messages per connection`);
					socket.write(frame(opcode, payload));
				} else if (opcode !== 0xa) return close(1003, 'unsupported frame');
			}
		};
		socket.on('data', (chunk: Buffer) => {
			buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
			consume();
		});
		consume();
	});
}
