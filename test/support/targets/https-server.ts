import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServerNode } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A request handler, as for `node:http`. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
	/** `http(s)://127.0.0.1:PORT` (no trailing slash). */
	url: string;
	port: number;
	/** Closes the server and every open connection. */
	stop(): Promise<void>;
}

async function listen(server: Server, scheme: 'http' | 'https'): Promise<TestServer> {
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	return {
		url: `${scheme}://127.0.0.1:${port}`,
		port,
		stop: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

function wrap(handler: Handler): Handler {
	return async (req, res) => {
		try {
			await handler(req, res);
		} catch (err) {
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
			res.end(`test handler threw: ${(err as Error).message}`);
		}
	};
}

/**
 * An HTTPS server on 127.0.0.1 with a random port, serving `cert` (e.g. from `createTestPki().issue(...)`).
 *
 * @example
 * const srv = await startHttpsServer({ cert: pki.issue(['coder.example.test'], 90), handler: (_, res) => res.end('OK') });
 */
export async function startHttpsServer(options: { cert: { cert: string; key: string }; handler: Handler }): Promise<TestServer> {
	const server = createHttpsServerNode({ cert: options.cert.cert, key: options.cert.key }, wrap(options.handler));
	return listen(server as unknown as Server, 'https');
}

/** A plain HTTP server on 127.0.0.1 with a random port. */
export async function startHttpServer(handler: Handler): Promise<TestServer> {
	return listen(createHttpServer(wrap(handler)), 'http');
}
