import { createServer, type Socket, type AddressInfo } from 'node:net';

export interface Tarpit {
	host: '127.0.0.1';
	port: number;
	/** Connections accepted so far. */
	accepted(): number;
	/** Connections still open (the client has not closed them). */
	open(): number;
	/** Resolves when no connection is open (after at least one was accepted), or rejects after `timeoutMs`. */
	allClosed(timeoutMs?: number): Promise<void>;
	stop(): Promise<void>;
}

/**
 * A TCP server that accepts connections and never answers (no TLS handshake, no HTTP response):
 * a probe talking to it must give up at its deadline, and the tarpit sees whether it closed the socket.
 *
 * @example
 * const pit = await startTarpit();
 * await http.observe({ url: `https://127.0.0.1:${pit.port}/`, method: 'GET' }, probeContext({ timeoutMs: 500 }));
 * await pit.allClosed(1_000);
 */
export async function startTarpit(): Promise<Tarpit> {
	const sockets = new Set<Socket>();
	let accepted = 0;
	let waiters: Array<() => void> = [];
	const server = createServer((socket) => {
		accepted++;
		sockets.add(socket);
		socket.on('data', () => {}); // read and ignore whatever the client sends
		socket.on('error', () => {});
		socket.on('close', () => {
			sockets.delete(socket);
			if (sockets.size === 0) for (const w of waiters.splice(0)) w();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	return {
		host: '127.0.0.1',
		port,
		accepted: () => accepted,
		open: () => sockets.size,
		allClosed(timeoutMs = 2_000) {
			if (accepted > 0 && sockets.size === 0) return Promise.resolve();
			return new Promise<void>((resolve, reject) => {
				const timer = setTimeout(() => {
					waiters = waiters.filter((w) => w !== done);
					reject(new Error(`tarpit: ${sockets.size} of ${accepted} connection(s) still open after ${timeoutMs} ms`));
				}, timeoutMs);
				const done = () => {
					clearTimeout(timer);
					resolve();
				};
				waiters.push(done);
			});
		},
		stop: () =>
			new Promise<void>((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
}
