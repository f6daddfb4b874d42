import { num, type SqlDb } from './sql.ts';

/**
 * Token buckets kept in the store, so that every instance sharing it spends from the same
 * bucket of a client: the rate limiter's backend when the handbook runs on several instances.
 */
export class RateBuckets {
	readonly #db: SqlDb;

	constructor(db: SqlDb) {
		this.#db = db;
	}

	/** Takes one token of `key`'s bucket; returns 0 when allowed, else the seconds until the next token. */
	async take(key: string, burst: number, perMinute: number, now: number): Promise<number> {
		return this.#db.transaction(async (q) => {
			const row = await q.get('SELECT tokens, at FROM rate_buckets WHERE key = ?', [key]);
			let tokens = row ? Math.min(burst, num(row.tokens) + ((now - num(row.at)) / 60_000) * perMinute) : burst;
			const wait = tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / perMinute) * 60);
			if (tokens >= 1) tokens -= 1;
			await q.run('INSERT INTO rate_buckets (key, tokens, at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, at = excluded.at', [key, tokens, now]);
			// Buckets idle for ten minutes are full again: forget them.
			if (Math.random() < 0.01) await q.run('DELETE FROM rate_buckets WHERE at < ?', [now - 10 * 60_000]);
			return wait;
		});
	}
}
