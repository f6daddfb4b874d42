/**
 * Calls of one key share one promise while it runs: the second to the hundredth caller get the
 * first one's answer instead of starting the same work again.
 *
 * @example
 * const runs = new SingleFlight<CheckResult[]>();
 * await Promise.all([runs.run('r1/healthz', probe), runs.run('r1/healthz', probe)]); // probe runs once
 */
export class SingleFlight<T> {
	readonly #pending = new Map<string, Promise<T>>();

	run(key: string, fn: () => Promise<T>): Promise<T> {
		const pending = this.#pending.get(key);
		if (pending) return pending;
		const started = fn().finally(() => this.#pending.delete(key));
		this.#pending.set(key, started);
		return started;
	}
}
