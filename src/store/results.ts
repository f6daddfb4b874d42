import type { CheckResult } from '../checks/runner.ts';
import type { Status } from '../checks/types.ts';
import type { AuditLog } from './audit.ts';
import { NotFoundError, StoreWriteError } from './errors.ts';
import type { StoredResult } from './model.ts';
import type { RunRecords } from './runs.ts';
import { num, text, type SqlDb, type SqlQueries, type SqlRow } from './sql.ts';

export const toResult = (r: SqlRow): StoredResult => ({
	id: num(r.id),
	runId: text(r.run_id),
	checkId: String(r.check_id),
	environment: String(r.environment),
	region: text(r.region),
	state: r.state as StoredResult['state'],
	status: (text(r.status) as Status | null) ?? null,
	message: text(r.message),
	observed: r.observed ? JSON.parse(String(r.observed)) : {},
	durationMs: r.duration_ms === null || r.duration_ms === undefined ? null : num(r.duration_ms),
	startedAt: String(r.started_at),
	finishedAt: text(r.finished_at),
	pageRevision: text(r.page_revision),
	requestedBy: String(r.requested_by),
});

const RUNNING_UNFROZEN = "state = 'running' AND (run_id IS NULL OR run_id NOT IN (SELECT id FROM runs WHERE signed_off_at IS NOT NULL))";

/**
 * Check results: a row per check and region, written `running` before the probe (so a crash
 * leaves a trace) and finished after it. A result of a signed-off run goes to the audit log only.
 */
export class CheckResults {
	readonly #db: SqlDb;
	readonly #audit: AuditLog;
	readonly #runs: RunRecords;
	readonly #at: () => string;
	readonly #owner: () => string | null;
	/** Results whose finished write failed (disk full): settled as errors once writes work again. */
	readonly #unstored = new Map<number, StoreWriteError['reason']>();
	#settleTimer: NodeJS.Timeout | undefined;

	constructor(db: SqlDb, audit: AuditLog, runs: RunRecords, at: () => string, owner: () => string | null = () => null) {
		this.#owner = owner;
		this.#db = db;
		this.#audit = audit;
		this.#runs = runs;
		this.#at = at;
	}

	/**
	 * Marks results still `running` as interrupted; returns how many. With `only`, just those rows
	 * (this process's own, on shutdown), with that message; without, every running row, which
	 * only a store that is the sole writer may do (SQLite on open).
	 */
	async interruptUnfinished(only?: { ids: readonly number[]; message: string }): Promise<number> {
		if (only && only.ids.length === 0) return 0;
		return this.#db.transaction(async (q) => {
			// A signed-off run takes no more writes, not even this one.
			const rows = (await q.all(`SELECT id, run_id, check_id, region FROM results WHERE ${RUNNING_UNFROZEN}`)).filter((r) => !only || only.ids.includes(num(r.id)));
			for (const r of rows) {
				await q.run("UPDATE results SET state = 'interrupted', status = 'error', message = ?, finished_at = ? WHERE id = ?", [
					only?.message ?? 'interrupted: the handbook stopped before this check finished; run it again',
					this.#at(),
					num(r.id),
				]);
				await this.#audit.write(q, { actor: 'system', action: 'check.interrupted', runId: text(r.run_id), target: String(r.check_id), detail: { region: text(r.region) } });
			}
			return rows.length;
		});
	}

	/** Records that a check started (one row per region) before probing, so a crash leaves a trace. */
	async begin(input: { runId: string | null; checkId: string; environment: string; regions: (string | null)[]; actor: string; pageRevision?: string | null }): Promise<number[]> {
		return this.#db.transaction(async (q) => {
			if (input.runId) await this.#runs.writable(input.runId);
			const ids: number[] = [];
			for (const region of input.regions) {
				const [row] = await q.run("INSERT INTO results (run_id, check_id, environment, region, state, started_at, page_revision, requested_by, owner) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?) RETURNING id", [
					input.runId,
					input.checkId,
					input.environment,
					region,
					this.#at(),
					input.pageRevision ?? null,
					input.actor,
					this.#owner(),
				]);
				ids.push(num(row!.id));
			}
			await this.#audit.write(q, { actor: input.actor, action: 'check.start', runId: input.runId, target: input.checkId, detail: { regions: input.regions }, pageRevision: input.pageRevision ?? null });
			return ids;
		});
	}

	/**
	 * Stores a finished result into the row `begin` made. A result that arrives after its run was
	 * signed off goes to the audit log only (`check.late-result`). When the write fails for want of
	 * disk, the row is settled as an error with that reason as soon as writes work again.
	 */
	async finish(resultId: number, result: CheckResult, actor: string): Promise<void> {
		try {
			await this.#db.transaction(async (q) => {
				const row = await q.get('SELECT run_id, page_revision FROM results WHERE id = ?', [resultId]);
				if (!row) throw new NotFoundError(`result ${resultId}`);
				const runId = text(row.run_id);
				const pageRevision = text(row.page_revision);
				if (runId && (await this.#runs.run(runId)).signedOffAt) {
					await this.#audit.write(q, { actor, action: 'check.late-result', runId, target: result.checkId, detail: { region: result.region, status: result.status, message: result.message, resultId }, pageRevision });
					return;
				}
				await q.run("UPDATE results SET state = 'done', status = ?, message = ?, observed = ?, duration_ms = ?, started_at = ?, finished_at = ? WHERE id = ?", [
					result.status,
					result.message,
					JSON.stringify(result.observed),
					result.durationMs,
					result.startedAt,
					result.finishedAt,
					resultId,
				]);
				await this.#audit.write(q, { actor, action: 'check.result', runId, target: result.checkId, detail: { region: result.region, status: result.status }, pageRevision });
			});
		} catch (err) {
			if (err instanceof StoreWriteError) {
				this.#unstored.set(resultId, err.reason);
				this.#settleTimer ??= setInterval(() => void this.#settleInBackground(), 1000).unref();
			}
			throw err;
		}
	}

	/** Settles the results whose write failed (see `finish`) as errors saying why; returns how many. */
	async settleUnstored(): Promise<number> {
		if (this.#unstored.size === 0) return 0;
		const waiting = [...this.#unstored];
		const settled = await this.#db.transaction(async (q) => {
			let n = 0;
			for (const [id, reason] of waiting) {
				const row = await q.get('SELECT run_id, check_id, region, state, page_revision FROM results WHERE id = ?', [id]);
				if (!row || row.state !== 'running') continue;
				const runId = text(row.run_id);
				if (runId && (await this.#runs.run(runId)).signedOffAt) continue;
				const what = { full: 'the disk was full', 'read-only': 'the data directory was read-only', io: 'the disk reported an I/O error' }[reason];
				await q.run("UPDATE results SET state = 'done', status = 'error', message = ?, observed = '{}', finished_at = ? WHERE id = ?", [`this check finished but its result could not be stored: ${what}; run it again`, this.#at(), id]);
				await this.#audit.write(q, { actor: 'system', action: 'check.result', runId, target: String(row.check_id), detail: { region: text(row.region), status: 'error', unstored: reason }, pageRevision: text(row.page_revision) });
				n++;
			}
			return n;
		});
		for (const [id] of waiting) this.#unstored.delete(id);
		if (this.#unstored.size === 0) this.stopSettling();
		return settled;
	}

	async #settleInBackground(): Promise<void> {
		try {
			await this.settleUnstored();
		} catch (err) {
			// Still no room: try again on the next tick. Anything else (the store closed): stop.
			if (!(err instanceof StoreWriteError)) this.stopSettling();
		}
	}

	stopSettling(): void {
		clearInterval(this.#settleTimer);
		this.#settleTimer = undefined;
	}

	/** Marks checks a dead job never started as interrupted (one row each, status error). */
	async interruptQueued(input: { runId: string; checkIds: readonly string[]; environment: string; message: string; actor: string }): Promise<void> {
		await this.#db.transaction(async (q) => {
			const run = await this.#runs.run(input.runId);
			const at = this.#at();
			for (const checkId of input.checkIds) {
				await q.run(
					"INSERT INTO results (run_id, check_id, environment, region, state, status, message, observed, started_at, finished_at, page_revision, requested_by) VALUES (?, ?, ?, NULL, 'interrupted', 'error', ?, '{}', ?, ?, ?, ?)",
					[input.runId, checkId, input.environment, input.message, at, at, run.pageRevision, input.actor],
				);
				await this.#audit.write(q, { actor: input.actor, action: 'check.interrupted', runId: input.runId, target: checkId, detail: { region: null }, pageRevision: run.pageRevision });
			}
		});
	}

	/** The latest result per check and region of a run. */
	async latestOfRun(runId: string): Promise<StoredResult[]> {
		return (await this.#db.all('SELECT r.* FROM results r JOIN (SELECT MAX(id) AS id FROM results WHERE run_id = ? GROUP BY check_id, region) l ON r.id = l.id ORDER BY r.check_id, r.region NULLS FIRST', [runId])).map(toResult);
	}

	/** The latest result per region of one check in a run. */
	async checkResults(runId: string, checkId: string): Promise<StoredResult[]> {
		return (await this.#db.all('SELECT r.* FROM results r JOIN (SELECT MAX(id) AS id FROM results WHERE run_id = ? AND check_id = ? GROUP BY region) l ON r.id = l.id ORDER BY r.region NULLS FIRST', [runId, checkId])).map(toResult);
	}

	/** Every finished result of a run, oldest first. */
	async runResults(runId: string): Promise<StoredResult[]> {
		return (await this.#db.all("SELECT * FROM results WHERE run_id = ? AND state != 'running' ORDER BY id", [runId])).map(toResult);
	}

	/** The running rows of a run. */
	async running(runId: string): Promise<StoredResult[]> {
		return (await this.#db.all("SELECT * FROM results WHERE run_id = ? AND state = 'running' ORDER BY check_id, region NULLS FIRST", [runId])).map(toResult);
	}

	/** The latest finished result of every check and region in an environment (for metrics). */
	async latest(environment?: string): Promise<StoredResult[]> {
		const rows = environment
			? await this.#db.all("SELECT r.* FROM results r JOIN (SELECT MAX(id) AS id FROM results WHERE state != 'running' AND environment = ? GROUP BY environment, check_id, region) l ON r.id = l.id", [environment])
			: await this.#db.all("SELECT r.* FROM results r JOIN (SELECT MAX(id) AS id FROM results WHERE state != 'running' GROUP BY environment, check_id, region) l ON r.id = l.id");
		return rows.map(toResult);
	}
}
