import { request } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startHandbook, type Handbook } from '../support/handbook.ts';

// Finding 10 of issue 10 (echo): one client could hold 199 of the 200 WebSocket echo slots the
// participants' self-check needs.
const open: Duplex[] = [];
let handbook: Handbook | undefined;

afterAll(async () => {
	for (const socket of open) socket.destroy();
	await handbook?.stop();
});

/** A raw WebSocket handshake to the echo; the socket stays open when it is accepted. */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<number> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve, reject) => {
		const req = request({ host: hostname, port: Number(port), path: '/api/echo', headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', origin: url, ...headers } });
		req.on('upgrade', (res, socket) => {
			open.push(socket);
			resolve(res.statusCode!);
		});
		req.on('response', (res) => {
			res.resume();
			resolve(res.statusCode!);
		});
		req.on('error', reject);
		req.end();
	});
}

describe('the WebSocket echo', () => {
	it('gives one client a few connections, not the slots everyone needs', async () => {
		handbook = await startHandbook({ env: { HANDBOOK_TRUST_PROXY: '1' } });
		const mallory = { 'x-forwarded-for': '203.0.113.66' };
		const statuses: number[] = [];
		for (let i = 0; i < 12; i++) statuses.push(await upgrade(handbook.url, mallory));
		expect(statuses.filter((s) => s === 101)).toHaveLength(4);
		expect(statuses.slice(4).every((s) => s === 429)).toBe(true);
		// Another participant behind the same proxy still gets through.
		expect(await upgrade(handbook.url, { 'x-forwarded-for': '198.51.100.7' })).toBe(101);
		// A slot given back is free again.
		open.shift()!.destroy();
		await expect.poll(() => upgrade(handbook!.url, mallory), { timeout: 3_000 }).toBe(101);
	});
});
