import type { CheckResult } from '../checks/runner.ts';
import type { Instances } from './instances.ts';
import { num, type SqlDb } from './sql.ts';

/** How often an instance waiting on another's probe looks for its answer. */
const WAIT_MS = 50;

/**
 * One probe per check and environment across every instance sharing the store: an in-flight
 * row per key, claimed in a write transaction (writers are serialized, so exactly one claim
 * wins). The others wait for its answer, which stays in the row for the check's cache window;
 * a claim whose owner's lease ran out is taken over. Within one process, callers of a key share
 * one promise, so only one of them talks to the store.
 */
export class ProbeFlights {
	readonly #db: SqlDb;
	readonly #instances: Instances;
	readonly #local = new Map<string, Promise<{ results: CheckResult[]; shared: boolean }>>();

	constructor(db: SqlDb, instances: Instances) {
		this.#db = db;
		this.#instances = instances;
	}

	/** The answer of a finished probe of `key` still in its cache window (any instance's), or null. */
	async fresh(key: string): Promise<CheckResult[] | null> {
		const row = await this.#db.get('SELECT results FROM probe_flights WHERE key = ? AND finished_at IS NOT NULL AND expires_at > ?', [key, Date.now()]);
		return row ? (JSON.parse(String(row.results)) as CheckResult[]).map((r) => ({ ...r, shared: true })) : null;
	}

	/**
	 * The results of `probe` for `key`, run here or by another instance: a fresh answer (younger
	 * than `cacheSeconds`) is shared, a probe under way elsewhere is waited for. `shared` says the
	 * results came from another caller's probe.
	 */
	run(key: string, cacheSeconds: number, probe: () => Promise<CheckResult[]>): Promise<{ results: CheckResult[]; shared: boolean }> {
		const mine = this.#local.get(key);
		if (mine) return mine.then((r) => ({ ...r, shared: true }));
		const flight = this.#run(key, cacheSeconds, probe).finally(() => this.#local.delete(key));
		this.#local.set(key, flight);
		return flight;
	}

	async #run(key: string, cacheSeconds: number, probe: () => Promise<CheckResult[]>): Promise<{ results: CheckResult[]; shared: boolean }> {
		for (;;) {
			const claim = await this.#db.transaction(async (q) => {
				const row = await q.get('SELECT owner, finished_at, expires_at, results FROM probe_flights WHERE key = ?', [key]);
				const now = Date.now();
				if (row && row.finished_at !== null && num(row.expires_at) > now) return { kind: 'answer' as const, results: JSON.parse(String(row.results)) as CheckResult[] };
				if (row && row.finished_at === null && (await this.#instances.alive(String(row.owner)))) return { kind: 'wait' as const };
				await q.run(
					'INSERT INTO probe_flights (key, owner, started_at, finished_at, expires_at, results) VALUES (?, ?, ?, NULL, NULL, NULL) ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, started_at = excluded.started_at, finished_at = NULL, expires_at = NULL, results = NULL',
					[key, this.#instances.id, now],
				);
				return { kind: 'claimed' as const };
			});
			if (claim.kind === 'answer') return { results: claim.results, shared: true };
			if (claim.kind === 'wait') {
				await new Promise((r) => setTimeout(r, WAIT_MS));
				continue;
			}
			let results: CheckResult[];
			try {
				results = await probe();
			} catch (err) {
				// Let the next caller claim it again rather than wait for a lease to run out.
				await this.#db.transaction((q) => q.run('DELETE FROM probe_flights WHERE key = ? AND owner = ?', [key, this.#instances.id])).catch(() => {});
				throw err;
			}
			const now = Date.now();
			await this.#db
				.transaction((q) =>
					q.run('UPDATE probe_flights SET finished_at = ?, expires_at = ?, results = ? WHERE key = ? AND owner = ?', [now, now + cacheSeconds * 1000, JSON.stringify(results), key, this.#instances.id]),
				)
				.catch(() => {});
			return { results, shared: false };
		}
	}
}
