import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/server/rate-limit.ts';

describe('RateLimiter', () => {
	it('allows a burst, then says how many seconds until the next token, per key', async () => {
		let now = 0;
		const limiter = new RateLimiter({ burst: 3, perMinute: 6, now: () => now });
		expect([await limiter.take('a'), await limiter.take('a'), await limiter.take('a')]).toEqual([0, 0, 0]);
		// 6 a minute: one token every 10 s.
		expect(await limiter.take('a')).toBe(10);
		expect(await limiter.take('b'), 'another client has its own bucket').toBe(0);
		now = 5_000;
		expect(await limiter.take('a')).toBe(5);
		now = 10_000;
		expect(await limiter.take('a')).toBe(0);
		expect(await limiter.take('a')).toBe(10);
	});

	it('refills up to the burst and no further', async () => {
		let now = 0;
		const limiter = new RateLimiter({ burst: 2, perMinute: 60, now: () => now });
		await limiter.take('a');
		await limiter.take('a');
		now = 60 * 60_000;
		expect([await limiter.take('a'), await limiter.take('a'), await limiter.take('a')]).toEqual([0, 0, 1]);
	});
});
