/** Buckets kept elsewhere (the store's, shared by every instance on it). */
export interface SharedBuckets {
	take(key: string, burst: number, perMinute: number, now: number): Promise<number>;
}

/**
 * A token bucket per client: `burst` requests at once, refilled at `perMinute`. Anonymous check
 * runs go through it so a reader cannot turn the handbook into a load generator. With `shared`
 * buckets (several instances on one Postgres) a client spends from one bucket whichever
 * instance it reaches; else the buckets are this process's.
 */
export class RateLimiter {
	readonly burst: number;
	readonly perMinute: number;
	#buckets = new Map<string, { tokens: number; at: number }>();
	#now: () => number;
	#shared: SharedBuckets | undefined;

	constructor(options: { burst?: number; perMinute?: number; now?: () => number; shared?: SharedBuckets } = {}) {
		this.burst = options.burst ?? 10;
		this.perMinute = options.perMinute ?? 20;
		this.#now = options.now ?? Date.now;
		this.#shared = options.shared;
	}

	/** Takes one token for `key`; returns 0 when allowed, else the seconds until the next token. */
	async take(key: string): Promise<number> {
		if (this.#shared) return this.#shared.take(key, this.burst, this.perMinute, this.#now());
		return this.takeHere(key);
	}

	/** `take` from this process's buckets. */
	takeHere(key: string): number {
		const now = this.#now();
		const b = this.#buckets.get(key) ?? { tokens: this.burst, at: now };
		b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 60_000) * this.perMinute);
		b.at = now;
		if (this.#buckets.size > 10_000) this.#evict(now);
		this.#buckets.set(key, b);
		if (b.tokens >= 1) {
			b.tokens -= 1;
			return 0;
		}
		return Math.ceil(((1 - b.tokens) / this.perMinute) * 60);
	}

	#evict(now: number): void {
		for (const [k, b] of this.#buckets) if (now - b.at > 10 * 60_000) this.#buckets.delete(k);
	}
}
