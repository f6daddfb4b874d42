import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptFirst, shareAcceptFirst, yourTurn } from '../../src/server/accept-first.ts';

/**
 * A server whose /slow requests cost 3 ms of CPU each and wait in an acceptFirst queue, while
 * any other request is answered at once; `order` records what was answered when.
 */
async function serve(maxDeferrals?: number): Promise<{ server: Server; port: number; order: string[] }> {
	const order: string[] = [];
	const server = createServer();
	const later = acceptFirst(server, { maxDeferrals });
	server.on('request', (req, res) => {
		if (req.url === '/slow')
			later(() => {
				const until = performance.now() + 3;
				while (performance.now() < until);
				order.push('slow');
				res.end('slow');
			});
		else {
			order.push('other');
			res.end('other');
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, port: (server.address() as AddressInfo).port, order };
}

/** Opens `slow` connections asking /slow and then one asking /other, all at once; resolves when every answer is in. */
function burst(port: number, slow: number): Promise<void> {
	const paths = [...Array.from({ length: slow }, () => '/slow'), '/other'];
	return Promise.all(
		paths.map(
			(path) =>
				new Promise<void>((resolve, reject) => {
					const socket = connect(port, '127.0.0.1');
					socket.on('error', reject);
					socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
					socket.resume();
					socket.on('end', () => resolve());
				}),
		),
	).then(() => undefined);
}

describe('acceptFirst: costly handlers wait until the waiting connections are taken in', () => {
	let server: Server | undefined;
	afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

	it('answers a request on a connection that arrived behind 30 queued ones before nearly all of them', async () => {
		const s = await serve();
		server = s.server;
		await burst(s.port, 30);
		expect(s.order).toHaveLength(31);
		expect(s.order.indexOf('other')).toBeLessThanOrEqual(2);
	});

	it('without putting work off for new connections, the same request waits behind most of the burst (what the rule prevents)', async () => {
		const s = await serve(0);
		server = s.server;
		await burst(s.port, 30);
		expect(s.order).toHaveLength(31);
		expect(s.order.indexOf('other')).toBeGreaterThanOrEqual(15);
	});

	it('runs the queued work one per event-loop turn, in arrival order, even while connections keep coming (at most maxDeferrals turns put off)', async () => {
		const order: number[] = [];
		const fake = new EventEmitter() as unknown as Server; // only its 'connection' events matter
		const later = acceptFirst(fake, { maxDeferrals: 3 });
		let turns = 0;
		let counting = true;
		const tick = () => {
			turns++;
			fake.emit('connection'); // a new connection in every turn, for ever
			if (counting) setImmediate(tick);
		};
		setImmediate(tick);
		const done = Promise.all([0, 1, 2].map((i) => new Promise<void>((resolve) => later(() => (order.push(i), resolve())))));
		await done;
		counting = false;
		expect(order).toEqual([0, 1, 2]);
		// Each piece of work waited at most 3 turns besides its own.
		expect(turns).toBeLessThanOrEqual(3 * 4 + 2);
	});

	it('yourTurn waits in the queue a server shared (npm start), and goes at once when none did', async () => {
		const key = Symbol.for('workshop-handbook.accept-first');
		const g = globalThis as { [key]?: unknown };
		delete g[key];
		let now = false;
		void yourTurn().then(() => (now = true));
		await Promise.resolve();
		expect(now).toBe(true);
		const fake = new EventEmitter() as unknown as Server;
		shareAcceptFirst(fake);
		try {
			const order: number[] = [];
			const turns = [1, 2, 3].map((i) => yourTurn().then(() => order.push(i)));
			await Promise.resolve();
			expect(order).toEqual([]);
			await Promise.all(turns);
			expect(order).toEqual([1, 2, 3]);
		} finally {
			delete g[key];
		}
	});
});
