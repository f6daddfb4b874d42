import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { clientOf } from './client.ts';

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
	/** Connections open at once from one client (address as HANDBOOK_TRUST_PROXY lets us believe); more are refused with 429. */
	maxPerClient?: number;
}

function refuse(socket: Duplex, status: string): void {
	socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Attaches a WebSocket echo endpoint to an HTTP server: the participants' self-check opens a
 * WebSocket through their own network (proxies, VPNs, firewalls) and expects its message back.
 * Deliberately small and bounded: same-origin browsers only, short messages, a few of them, for
 * a few seconds, a bounded number of connections, and a few per client. Any other upgrade
 * request is refused. The
 * protocol itself is the `ws` library's.
 *
 * @example
 * const { server } = startServer(); attachEcho(server.server); // ws://host/api/echo
 */
export function attachEcho(server: Server, options: EchoOptions = {}): void {
	const { path = '/api/echo', maxPayload = 4096, maxMessages = 20, lifetimeMs = 30_000, maxConnections = 200, maxPerClient = 4 } = options;
	// ws closes a connection whose message is over maxPayload with 1009 itself.
	const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });
	// One client must not hold the slots every participant's self-check needs.
	const perClient = new Map<string, number>();

	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		socket.on('error', () => socket.destroy());
		const url = new URL(req.url ?? '/', 'http://handbook.invalid');
		if (url.pathname !== path) return refuse(socket, '404 Not Found');
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
		if (wss.clients.size >= maxConnections) return refuse(socket, '503 Service Unavailable');
		const client = clientOf(req.headers, req.socket.remoteAddress ?? '').address;
		if ((perClient.get(client) ?? 0) >= maxPerClient) return refuse(socket, '429 Too Many Requests');
		// A malformed handshake (version, key, method) is answered 400 by ws.
		wss.handleUpgrade(req, socket, head, (ws) => {
			perClient.set(client, (perClient.get(client) ?? 0) + 1);
			ws.once('close', () => {
				const left = (perClient.get(client) ?? 1) - 1;
				if (left > 0) perClient.set(client, left);
				else perClient.delete(client);
			});
			let messages = 0;
			const lifetime = setTimeout(() => ws.close(1000, 'echo session over'), lifetimeMs);
			ws.on('message', (data, isBinary) => {
				if (++messages > maxMessages) return ws.close(1008, 'message allowance used');
				ws.send(data, { binary: isBinary });
			});
			ws.on('close', () => clearTimeout(lifetime));
			ws.on('error', () => ws.terminate());
		});
	});
}
