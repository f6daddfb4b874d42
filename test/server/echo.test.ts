import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachEcho } from '../../src/server/echo.ts';

let server: Server;
let base = '';

beforeAll(async () => {
	server = createServer((_req, res) => res.end('plain http still works'));
	attachEcho(server, { maxPayload: 64, maxMessages: 3, lifetimeMs: 1500 });
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Opens a WebSocket (Node's own client) and collects what happens on it. */
function connect(path = '/api/echo') {
	const ws = new WebSocket(`ws://${base}${path}`);
	ws.binaryType = 'arraybuffer';
	const messages: unknown[] = [];
	ws.onmessage = (e) => messages.push(e.data);
	const opened = new Promise<void>((resolve, reject) => {
		ws.onopen = () => resolve();
		ws.onerror = () => reject(new Error('did not open'));
	});
	const closed = new Promise<{ code: number; reason: string }>((resolve) => (ws.onclose = (e) => resolve({ code: e.code, reason: e.reason })));
	return { ws, messages, opened, closed };
}

const waitFor = async (cond: () => boolean, ms = 2000) => {
	const end = Date.now() + ms;
	while (!cond()) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 10));
	}
};

/** The status line of a raw upgrade request. */
function upgrade(path: string, headers: Record<string, string>): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = request({ host: '127.0.0.1', port: Number(base.split(':')[1]), path, headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers } });
		req.on('upgrade', (res, socket) => {
			socket.destroy();
			resolve(res.statusCode!);
		});
		req.on('response', (res) => resolve(res.statusCode!));
		req.on('error', reject);
		req.end();
	});
}

describe('the WebSocket echo', () => {
	it('echoes text and binary messages, and answers plain HTTP as before', async () => {
		const c = connect();
		await c.opened;
		c.ws.send('self-check 42');
		c.ws.send(new Uint8Array([1, 2, 3]));
		await waitFor(() => c.messages.length === 2);
		expect(c.messages[0]).toBe('self-check 42');
		expect([...new Uint8Array(c.messages[1] as ArrayBuffer)]).toEqual([1, 2, 3]);
		c.ws.close(1000);
		expect((await c.closed).code).toBe(1000);
		expect(await (await fetch(`http://${base}/`)).text()).toBe('plain http still works');
	});

	it('closes a connection that sends a message over the size limit (1009)', async () => {
		const c = connect();
		await c.opened;
		c.ws.send('x'.repeat(65));
		expect((await c.closed).code).toBe(1009);
	});

	it('closes after its message allowance (1008) and after its lifetime', async () => {
		const c = connect();
		await c.opened;
		for (let i = 0; i < 4; i++) c.ws.send(`m${i}`);
		expect((await c.closed).code).toBe(1008);
		expect(c.messages).toEqual(['m0', 'm1', 'm2']);
		const idle = connect();
		await idle.opened;
		// Closed by its lifetime timer (the reason says so), not by a guess about elapsed time.
		expect(await idle.closed).toEqual({ code: 1000, reason: 'echo session over' });
		expect(idle.messages).toEqual([]);
	});

	it('refuses other paths, bad handshakes and other sites', async () => {
		expect(await upgrade('/api/other', {})).toBe(404);
		expect(await upgrade('/api/echo', { 'sec-websocket-version': '7' })).toBe(400);
		expect(await upgrade('/api/echo', { 'sec-websocket-key': 'not-a-key' })).toBe(400);
		expect(await upgrade('/api/echo', { origin: 'https://evil.example', host: base })).toBe(403);
		expect(await upgrade('/api/echo', { origin: `http://${base}`, host: base })).toBe(101);
	});
});
