import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AuditLog } from './audit.ts';
import { num, text, type SqlDb } from './sql.ts';

/**
 * How long a lease lasts without renewal ($HANDBOOK_INSTANCE_LEASE_SECONDS, default 10: how soon
 * another instance takes over the work of one that died), renewed five times as often.
 */
export function leaseTiming(): { heartbeatMs: number; leaseMs: number } {
	const raw = process.env.HANDBOOK_INSTANCE_LEASE_SECONDS;
	const seconds = raw === undefined || raw === '' ? 10 : Number(raw);
	if (!Number.isFinite(seconds) || seconds < 1) throw new Error(`HANDBOOK_INSTANCE_LEASE_SECONDS must be a number of seconds of at least 1, not "${raw}"`);
	return { heartbeatMs: (seconds * 1000) / 5, leaseMs: seconds * 1000 };
}

/**
 * The handbook processes sharing a store, each with a lease (until when, in wall-clock
 * milliseconds) renewed by a heartbeat, whatever `now` the store is given: leases are operations, not records). What a
 * process starts (a check's running rows, a run-all job, a probe) carries its instance id, so
 * another instance can tell a live owner from a dead one and finish or interrupt the work.
 */
export class Instances {
	readonly id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
	readonly #db: SqlDb;
	readonly #audit: AuditLog;
	readonly #timing = leaseTiming();
	#timer: NodeJS.Timeout | undefined;
	/** Called with the runs whose rows a sweep interrupted, so live pages hear of it. */
	onInterrupted: (runIds: string[]) => void = () => {};

	constructor(db: SqlDb, audit: AuditLog) {
		this.#db = db;
		this.#audit = audit;
	}

	/**
	 * Takes this process's lease; with `heartbeat` (several instances: Postgres), renews it until
	 * `stop`, each renewal also sweeping what dead instances left running.
	 */
	async start(options: { heartbeat: boolean }): Promise<void> {
		await this.#db.transaction((q) =>
			q.run('INSERT INTO instances (id, host, pid, started_at, lease_until) VALUES (?, ?, ?, ?, ?)', [this.id, hostname(), process.pid, new Date().toISOString(), Date.now() + this.#timing.leaseMs]),
		);
		if (options.heartbeat) this.#timer = setInterval(() => void this.beat().catch(() => {}), this.#timing.heartbeatMs).unref();
	}

	/** Renews the lease, then interrupts what dead instances left running. */
	async beat(): Promise<void> {
		await this.#db.transaction((q) => q.run('UPDATE instances SET lease_until = ? WHERE id = ?', [Date.now() + this.#timing.leaseMs, this.id]));
		await this.sweep();
	}

	/** Whether the instance holds a live lease (this one always does). */
	async alive(id: string | null | undefined): Promise<boolean> {
		if (!id) return false;
		if (id === this.id) return true;
		const row = await this.#db.get('SELECT lease_until FROM instances WHERE id = ?', [id]);
		return !!row && num(row.lease_until) > Date.now();
	}

	/**
	 * Marks running rows whose owner's lease ran out (or that have no owner: written before
	 * leases, or by a CLI process that is gone) as interrupted; returns how many. Rows of signed-off
	 * runs stay as they were signed.
	 */
	async sweep(): Promise<number> {
		const now = Date.now();
		const runs = new Set<string>();
		const n = await this.#db.transaction(async (q) => {
			const rows = await q.all(
				"SELECT id, run_id, check_id, region FROM results WHERE state = 'running' AND (run_id IS NULL OR run_id NOT IN (SELECT id FROM runs WHERE signed_off_at IS NOT NULL)) AND (owner IS NULL OR owner NOT IN (SELECT id FROM instances WHERE lease_until > ?))",
				[now],
			);
			for (const r of rows) {
				await q.run("UPDATE results SET state = 'interrupted', status = 'error', message = ?, finished_at = ? WHERE id = ?", [
					'interrupted: the handbook instance running this check stopped before it finished; run it again',
					new Date().toISOString(),
					num(r.id),
				]);
				await this.#audit.write(q, { actor: 'system', action: 'check.interrupted', runId: text(r.run_id), target: String(r.check_id), detail: { region: text(r.region) } });
				if (r.run_id) runs.add(String(r.run_id));
			}
			// Leases dead for a day are history: keep the table small.
			await q.run('DELETE FROM instances WHERE lease_until < ?', [now - 86_400_000]);
			return rows.length;
		});
		if (runs.size) this.onInterrupted([...runs]);
		return n;
	}

	/** Gives the lease up (a clean shutdown): another instance need not wait for it to run out. */
	async stop(): Promise<void> {
		clearInterval(this.#timer);
		this.#timer = undefined;
		await this.#db.transaction((q) => q.run('UPDATE instances SET lease_until = 0 WHERE id = ?', [this.id])).catch(() => {});
	}
}
