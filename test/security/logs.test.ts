import { describe, expect, it } from 'vitest';
import { LogLimiter } from '../../src/server/log-limit.ts';
import { startHandbook } from '../support/handbook.ts';

// Finding 10 of issue 10 (logs): a 15 KB path was logged whole, 43 MB of log in 3.6 s from one client.
describe('the server log', () => {
	it('stays small when one client sends hundreds of 15 KB paths', async () => {
		const handbook = await startHandbook();
		try {
			const before = handbook.server.output().length;
			const long = 'a'.repeat(15_000);
			await Promise.all(
				Array.from({ length: 8 }, async (_, worker) => {
					for (let i = 0; i < 25; i++) {
						// A method the route has no handler for: Astro's router warns with the whole path.
						await fetch(`${handbook.url}/api/runs/${long}${worker}${i}`, { method: 'PUT', headers: { 'content-type': 'application/json', origin: handbook.url }, body: '{}' });
						await fetch(`${handbook.url}/api/runs/x/checks/${long}${worker}${i}`);
					}
				}),
			);
			await new Promise((r) => setTimeout(r, 300));
			const log = handbook.server.output().slice(before);
			// 400 requests with 15 KB paths: 6 MB if logged whole.
			expect(log.length).toBeLessThan(20_000);
			expect(Math.max(...log.split('\n').map((l) => l.length))).toBeLessThanOrEqual(600);
			expect(log).not.toContain('a'.repeat(1_000));
		} finally {
			await handbook.stop();
		}
	});
});

describe('LogLimiter', () => {
	it('cuts long lines and holds back a repeated kind, then says how many it dropped', () => {
		let now = 0;
		const limit = new LogLimiter({ maxLine: 40, perMinute: 2, now: () => now });
		expect(limit.lines(`12:00:01 [WARN] ${'x'.repeat(40)}\n`)).toBe(`12:00:01 [WARN] ${'x'.repeat(24)}… (16 more characters)\n`);
		// Digits and the time stamp aside, these are one kind of line.
		expect(limit.lines('12:00:02 no route for /api/runs/1\n')).toBe('12:00:02 no route for /api/runs/1\n');
		expect(limit.lines('12:00:03 no route for /api/runs/2\n')).toBe('12:00:03 no route for /api/runs/2\n');
		expect(limit.lines('12:00:04 no route for /api/runs/3\n')).toBe('');
		expect(limit.lines('another kind\n')).toBe('another kind\n');
		now = 61_000;
		expect(limit.lines('12:01:05 no route for /api/runs/4\n')).toBe('(1 more line(s) like "no route for /api/runs/#…" were not logged in the last minute)\n12:01:05 no route for /api/runs/4\n');
	});
});
