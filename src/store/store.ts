import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import type { CheckResult } from '../checks/runner.ts';
import type { Status } from '../checks/types.ts';
import { roles as allRoles, type Person, type Role, type SignInSource } from '../server/roles.ts';
import { migrations } from './migrations.ts';

/**
 * The person of a break-glass sign-in (the shared HANDBOOK_FACILITATOR_TOKEN): every role, the
 * name typed, and a subject that says "break-glass" in every audit entry.
 */
export function breakGlassPerson(name: string): Person {
	return { subject: `break-glass:${name.toLowerCase()}`, name, roles: [...allRoles], via: 'break-glass' };
}

export interface Run {
	id: string;
	checklist: string;
	environment: string;
	workshop: string | null;
	scenario: string | null;
	pageRevision: string | null;
	createdAt: string;
	createdBy: string;
	decision: 'go' | 'no-go' | null;
	decisionNote: string | null;
	decidedBy: string | null;
	decidedAt: string | null;
	signedOffBy: string | null;
	signedOffAt: string | null;
}

export interface StoredResult {
	id: number;
	runId: string | null;
	checkId: string;
	environment: string;
	region: string | null;
	state: 'running' | 'done' | 'interrupted';
	status: Status | null;
	message: string | null;
	observed: Record<string, unknown>;
	durationMs: number | null;
	startedAt: string;
	finishedAt: string | null;
	pageRevision: string | null;
	requestedBy: string;
}

export interface Tick {
	itemId: string;
	checked: boolean;
	by: string;
	at: string;
}

export interface FieldValue {
	name: string;
	value: string;
	by: string;
	at: string;
}

export interface AuditEntry {
	id: number;
	at: string;
	actor: string;
	/** The stable subject of the person the actor names (null for the handbook's own entries). */
	subject: string | null;
	action: string;
	runId: string | null;
	target: string | null;
	detail: unknown;
	pageRevision: string | null;
}

/** A run with everything recorded in it: the latest result per check and region, ticks, fields. */
export interface RunRecord {
	run: Run;
	results: StoredResult[];
	ticks: Tick[];
	fields: FieldValue[];
	/** Highest audit id of the run: a client resumes live updates after it. */
	revision: number;
}

/** The run was signed off: it is an archived record and takes no more changes. */
export class FrozenRunError extends Error {
	constructor(run: Run) {
		super(`run ${run.id} was signed off by ${run.signedOffBy} at ${run.signedOffAt} and can no longer change`);
		this.name = 'FrozenRunError';
	}
}

/** Sign-off refused: checks of the run are still running, and a signed-off run takes no more results. */
export class ChecksInFlightError extends Error {
	readonly running: StoredResult[];
	constructor(run: Run, running: StoredResult[]) {
		const names = [...new Set(running.map((r) => r.checkId))].map((id) => {
			const regions = running.filter((r) => r.checkId === id && r.region).map((r) => r.region);
			return regions.length ? `${id} (${regions.join(', ')})` : id;
		});
		super(`run ${run.id} cannot be signed off while checks are running: ${names.join(', ')}. Sign off once they have finished (a signed-off run takes no more results).`);
		this.name = 'ChecksInFlightError';
		this.running = running;
	}
}

/**
 * The data directory stopped taking writes (disk full, made read-only): what is stored stays,
 * the change is refused with the reason, and the server keeps answering reads.
 */
export class StoreWriteError extends Error {
	readonly reason: 'full' | 'read-only' | 'io';
	constructor(file: string, reason: StoreWriteError['reason']) {
		const what = { full: 'the disk is full', 'read-only': 'it has become read-only', io: 'the disk reported an I/O error' }[reason];
		super(`cannot write to ${file}: ${what}. Nothing already stored was lost; free space or fix the data directory, then try again.`);
		this.name = 'StoreWriteError';
		this.reason = reason;
	}
}

/** SQLite's primary result codes for a data directory that cannot take writes. */
export function writeFailure(err: unknown): StoreWriteError['reason'] | null {
	const code = (err as { errcode?: number }).errcode;
	if (typeof code !== 'number') return null;
	const primary = code & 0xff;
	return primary === 13 ? 'full' : primary === 8 ? 'read-only' : primary === 10 ? 'io' : null;
}

export class NotFoundError extends Error {
	constructor(what: string) {
		super(`${what} not found`);
		this.name = 'NotFoundError';
	}
}

/** The data directory cannot be used; says which and why, so the operator can fix it. */
export class StoreUnavailableError extends Error {
	constructor(dir: string, reason: string) {
		super(`the data directory ${dir} cannot be used: ${reason} (set HANDBOOK_DATA_DIR to a writable directory)`);
		this.name = 'StoreUnavailableError';
	}
}

type Row = Record<string, SQLInputValue>;

const toRun = (r: Row): Run => ({
	id: r.id as string,
	checklist: r.checklist as string,
	environment: r.environment as string,
	workshop: (r.workshop as string) ?? null,
	scenario: (r.scenario as string) ?? null,
	pageRevision: (r.page_revision as string) ?? null,
	createdAt: r.created_at as string,
	createdBy: r.created_by as string,
	decision: (r.decision as Run['decision']) ?? null,
	decisionNote: (r.decision_note as string) ?? null,
	decidedBy: (r.decided_by as string) ?? null,
	decidedAt: (r.decided_at as string) ?? null,
	signedOffBy: (r.signed_off_by as string) ?? null,
	signedOffAt: (r.signed_off_at as string) ?? null,
});

const toResult = (r: Row): StoredResult => ({
	id: Number(r.id),
	runId: (r.run_id as string) ?? null,
	checkId: r.check_id as string,
	environment: r.environment as string,
	region: (r.region as string) ?? null,
	state: r.state as StoredResult['state'],
	status: (r.status as Status) ?? null,
	message: (r.message as string) ?? null,
	observed: r.observed ? JSON.parse(r.observed as string) : {},
	durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
	startedAt: r.started_at as string,
	finishedAt: (r.finished_at as string) ?? null,
	pageRevision: (r.page_revision as string) ?? null,
	requestedBy: r.requested_by as string,
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The data directory: $HANDBOOK_DATA_DIR, default ./data. */
export function dataDir(explicit?: string): string {
	return resolve(explicit ?? process.env.HANDBOOK_DATA_DIR ?? 'data');
}

/**
 * The handbook's store: one SQLite file in WAL mode. Every write is its own transaction, so a
 * process killed mid-run keeps everything written before; opening marks checks that were still
 * running as interrupted.
 */
export class Store {
	readonly db: DatabaseSync;
	readonly file: string;
	#now: () => Date;
	/** Results whose finished write failed (disk full): settled as errors once writes work again. */
	#unstored = new Map<number, StoreWriteError['reason']>();
	#settleTimer: NodeJS.Timeout | undefined;

	constructor(dir = dataDir(), options: { now?: () => Date } = {}) {
		this.#now = options.now ?? (() => new Date());
		try {
			mkdirSync(dir, { recursive: true });
			accessSync(dir, constants.W_OK);
		} catch (err) {
			throw new StoreUnavailableError(dir, (err as NodeJS.ErrnoException).code === 'EACCES' || (err as NodeJS.ErrnoException).code === 'EROFS' ? 'it is not writable' : (err as Error).message);
		}
		this.file = join(dir, 'handbook.sqlite');
		try {
			this.db = new DatabaseSync(this.file, { timeout: 5_000 });
			// WAL with synchronous NORMAL: a commit survives the process being killed (what the
			// fault tests prove); only an OS crash or power loss can take the last commits back.
			this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
			this.#migrate();
		} catch (err) {
			throw new StoreUnavailableError(dir, (err as Error).message);
		}
		this.interruptUnfinished();
	}

	#migrate(): void {
		const version = Number((this.db.prepare('PRAGMA user_version').get() as Row).user_version);
		for (let v = version; v < migrations.length; v++) {
			this.#tx(() => {
				this.db.exec(migrations[v]!);
				this.db.exec(`PRAGMA user_version = ${v + 1}`);
			});
		}
	}

	#tx<T>(fn: () => T): T {
		try {
			this.db.exec('BEGIN IMMEDIATE');
			try {
				const out = fn();
				this.db.exec('COMMIT');
				return out;
			} catch (err) {
				if (this.db.isTransaction) this.db.exec('ROLLBACK');
				throw err;
			}
		} catch (err) {
			const reason = writeFailure(err);
			throw reason ? new StoreWriteError(this.file, reason) : err;
		}
	}

	/**
	 * Runs `fn` as one write transaction, with a full or read-only disk reported as a
	 * StoreWriteError: for the modules that keep their own tables in this file (workshop-store).
	 */
	transaction<T>(fn: () => T): T {
		return this.#tx(fn);
	}

	/** Writes an audit entry (inside the caller's transaction): who did what to which target. */
	audit(actor: string, action: string, target: string | null, detail?: unknown, runId: string | null = null): number {
		return this.#audit(actor, action, runId, target, detail, null);
	}

	#at(): string {
		return this.#now().toISOString();
	}

	#audit(actor: string, action: string, runId: string | null, target: string | null, detail: unknown, pageRevision: string | null): number {
		// Display names are unique (people), so the entry also gets the person's stable subject.
		const person = this.db.prepare('SELECT subject FROM people WHERE name = ?').get(actor) as Row | undefined;
		const r = this.db
			.prepare('INSERT INTO audit (at, actor, subject, action, run_id, target, detail, page_revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
			.run(this.#at(), actor, (person?.subject as string) ?? null, action, runId, target, detail === undefined ? null : JSON.stringify(detail), pageRevision);
		return Number(r.lastInsertRowid);
	}

	/**
	 * Marks results still `running` (their process died) as interrupted; returns how many. With
	 * `only`, just those rows (this process's own, on shutdown), with that message.
	 */
	interruptUnfinished(only?: { ids: readonly number[]; message: string }): number {
		return this.#tx(() => {
			// A signed-off run takes no more writes, not even this one.
			const rows = (this.db.prepare("SELECT id, run_id, check_id, region FROM results WHERE state = 'running' AND (run_id IS NULL OR run_id NOT IN (SELECT id FROM runs WHERE signed_off_at IS NOT NULL))").all() as Row[]).filter(
				(r) => !only || only.ids.includes(Number(r.id)),
			);
			for (const r of rows) {
				this.db
					.prepare("UPDATE results SET state = 'interrupted', status = 'error', message = ?, finished_at = ? WHERE id = ?")
					.run(only?.message ?? 'interrupted: the handbook stopped before this check finished; run it again', this.#at(), r.id as number);
				this.#audit('system', 'check.interrupted', (r.run_id as string) ?? null, r.check_id as string, { region: r.region }, null);
			}
			return rows.length;
		});
	}

	createRun(input: { checklist: string; environment: string; workshop?: string | null; scenario?: string | null; pageRevision?: string | null; actor: string }): Run {
		const id = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
		this.#tx(() => {
			this.db
				.prepare('INSERT INTO runs (id, checklist, environment, workshop, scenario, page_revision, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
				.run(id, input.checklist, input.environment, input.workshop ?? null, input.scenario ?? null, input.pageRevision ?? null, this.#at(), input.actor);
			this.#audit(input.actor, 'run.start', id, input.checklist, { environment: input.environment, workshop: input.workshop ?? null, scenario: input.scenario ?? null }, input.pageRevision ?? null);
		});
		return this.run(id);
	}

	run(id: string): Run {
		const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
		if (!row) throw new NotFoundError(`run ${id}`);
		return toRun(row);
	}

	listRuns(filter: { checklist?: string; environment?: string; workshop?: string; limit?: number } = {}): Run[] {
		const where: string[] = [];
		const args: SQLInputValue[] = [];
		for (const [col, v] of [['checklist', filter.checklist], ['environment', filter.environment], ['workshop', filter.workshop]] as const) {
			if (v !== undefined) {
				where.push(`${col} = ?`);
				args.push(v);
			}
		}
		const sql = `SELECT * FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
		return (this.db.prepare(sql).all(...args, filter.limit ?? 50) as Row[]).map(toRun);
	}

	#writable(runId: string): Run {
		const run = this.run(runId);
		if (run.signedOffAt) throw new FrozenRunError(run);
		return run;
	}

	/** Records that a check started (one row per region) before probing, so a crash leaves a trace. */
	beginCheck(input: { runId: string | null; checkId: string; environment: string; regions: (string | null)[]; actor: string; pageRevision?: string | null }): number[] {
		return this.#tx(() => {
			if (input.runId) this.#writable(input.runId);
			const ids = input.regions.map((region) =>
				Number(
					this.db
						.prepare("INSERT INTO results (run_id, check_id, environment, region, state, started_at, page_revision, requested_by) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)")
						.run(input.runId, input.checkId, input.environment, region, this.#at(), input.pageRevision ?? null, input.actor).lastInsertRowid,
				),
			);
			this.#audit(input.actor, 'check.start', input.runId, input.checkId, { regions: input.regions }, input.pageRevision ?? null);
			return ids;
		});
	}

	/**
	 * Stores a finished result into the row `beginCheck` made. A result that arrives after its run
	 * was signed off goes to the audit log only (`check.late-result`): the archived record stays as
	 * it was signed. When the write fails for want of disk, the row is settled as an error with
	 * that reason as soon as writes work again (`settleUnstored`), not left running until a restart.
	 */
	finishCheck(resultId: number, result: CheckResult, actor: string): void {
		try {
			this.#finishCheck(resultId, result, actor);
		} catch (err) {
			if (err instanceof StoreWriteError) {
				this.#unstored.set(resultId, err.reason);
				this.#settleTimer ??= setInterval(() => this.#settleInBackground(), 1000).unref();
			}
			throw err;
		}
	}

	#finishCheck(resultId: number, result: CheckResult, actor: string): void {
		this.#tx(() => {
			const row = this.db.prepare('SELECT run_id, page_revision FROM results WHERE id = ?').get(resultId) as Row | undefined;
			if (!row) throw new NotFoundError(`result ${resultId}`);
			if (row.run_id && this.run(row.run_id as string).signedOffAt) {
				this.#audit(actor, 'check.late-result', row.run_id as string, result.checkId, { region: result.region, status: result.status, message: result.message, resultId }, (row.page_revision as string) ?? null);
				return;
			}
			this.db
				.prepare("UPDATE results SET state = 'done', status = ?, message = ?, observed = ?, duration_ms = ?, started_at = ?, finished_at = ? WHERE id = ?")
				.run(result.status, result.message, JSON.stringify(result.observed), result.durationMs, result.startedAt, result.finishedAt, resultId);
			this.#audit(actor, 'check.result', (row.run_id as string) ?? null, result.checkId, { region: result.region, status: result.status }, (row.page_revision as string) ?? null);
		});
	}

	setTick(runId: string, itemId: string, checked: boolean, actor: string): Tick {
		const at = this.#at();
		this.#tx(() => {
			const run = this.#writable(runId);
			this.db
				.prepare('INSERT INTO ticks (run_id, item_id, checked, by, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, item_id) DO UPDATE SET checked = excluded.checked, by = excluded.by, at = excluded.at')
				.run(runId, itemId, checked ? 1 : 0, actor, at);
			this.#audit(actor, checked ? 'item.tick' : 'item.untick', runId, itemId, undefined, run.pageRevision);
		});
		return { itemId, checked, by: actor, at };
	}

	setField(runId: string, name: string, value: string, actor: string, itemId: string | null = null): FieldValue {
		const at = this.#at();
		this.#tx(() => {
			const run = this.#writable(runId);
			this.db
				.prepare('INSERT INTO fields (run_id, name, value, by, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value, by = excluded.by, at = excluded.at')
				.run(runId, name, value, actor, at);
			this.#audit(actor, 'field.set', runId, name, { value, item: itemId }, run.pageRevision);
		});
		return { name, value, by: actor, at };
	}

	decide(runId: string, decision: 'go' | 'no-go', note: string | null, actor: string): Run {
		this.#tx(() => {
			const run = this.#writable(runId);
			this.db.prepare('UPDATE runs SET decision = ?, decision_note = ?, decided_by = ?, decided_at = ? WHERE id = ?').run(decision, note, actor, this.#at(), runId);
			this.#audit(actor, 'run.decide', runId, decision, { note }, run.pageRevision);
		});
		return this.run(runId);
	}

	/**
	 * Settles the results whose write failed (see `finishCheck`) as errors saying why, once the
	 * disk takes writes again; returns how many were settled. Runs by itself every second while
	 * any are waiting.
	 */
	settleUnstored(): number {
		if (this.#unstored.size === 0) return 0;
		const waiting = [...this.#unstored];
		const settled = this.#tx(() => {
			let n = 0;
			for (const [id, reason] of waiting) {
				const row = this.db.prepare('SELECT run_id, check_id, region, state, page_revision FROM results WHERE id = ?').get(id) as Row | undefined;
				if (!row || row.state !== 'running') continue;
				const runId = (row.run_id as string) ?? null;
				if (runId && this.run(runId).signedOffAt) continue;
				const what = { full: 'the disk was full', 'read-only': 'the data directory was read-only', io: 'the disk reported an I/O error' }[reason];
				this.db
					.prepare("UPDATE results SET state = 'done', status = 'error', message = ?, observed = '{}', finished_at = ? WHERE id = ?")
					.run(`this check finished but its result could not be stored: ${what}; run it again`, this.#at(), id);
				this.#audit('system', 'check.result', runId, row.check_id as string, { region: row.region ?? null, status: 'error', unstored: reason }, (row.page_revision as string) ?? null);
				n++;
			}
			return n;
		});
		for (const [id] of waiting) this.#unstored.delete(id);
		if (this.#unstored.size === 0 && this.#settleTimer) {
			clearInterval(this.#settleTimer);
			this.#settleTimer = undefined;
		}
		return settled;
	}

	#settleInBackground(): void {
		try {
			this.settleUnstored();
		} catch (err) {
			// Still no room: try again on the next tick. Anything else (the store closed): stop.
			if (!(err instanceof StoreWriteError)) {
				clearInterval(this.#settleTimer);
				this.#settleTimer = undefined;
			}
		}
	}

	/**
	 * Freezes the run: from now on it is the archived record of this checklist. Refused with
	 * ChecksInFlightError while a check of the run is running and `inFlight` says it may still
	 * finish (by default every running check); running rows it rules out (their process is gone)
	 * are settled as interrupted first. Refusing and freezing are one transaction, so a check
	 * either starts before the sign-off and blocks it, or is refused as the run is frozen.
	 */
	signOff(runId: string, actor: string, options: { inFlight?: (row: StoredResult) => boolean } = {}): Run {
		this.#tx(() => {
			const run = this.#writable(runId);
			const running = (this.db.prepare("SELECT * FROM results WHERE run_id = ? AND state = 'running' ORDER BY check_id, region").all(runId) as Row[]).map(toResult);
			const inFlight = running.filter((r) => options.inFlight?.(r) ?? true);
			if (inFlight.length) throw new ChecksInFlightError(run, inFlight);
			for (const r of running) {
				this.db
					.prepare("UPDATE results SET state = 'interrupted', status = 'error', message = 'interrupted: this check never finished (its process stopped); run it again in a new run', finished_at = ? WHERE id = ?")
					.run(this.#at(), r.id);
				this.#audit('system', 'check.interrupted', runId, r.checkId, { region: r.region }, run.pageRevision);
			}
			this.db.prepare('UPDATE runs SET signed_off_by = ?, signed_off_at = ? WHERE id = ?').run(actor, this.#at(), runId);
			this.#audit(actor, 'run.sign-off', runId, null, { decision: run.decision }, run.pageRevision);
		});
		return this.run(runId);
	}

	/** The run with the latest result per check and region, its ticks and fields. */
	record(runId: string): RunRecord {
		const run = this.run(runId);
		const results = (
			this.db
				.prepare('SELECT r.* FROM results r JOIN (SELECT MAX(id) AS id FROM results WHERE run_id = ? GROUP BY check_id, region) l ON r.id = l.id ORDER BY r.check_id, r.region')
				.all(runId) as Row[]
		).map(toResult);
		const ticks = (this.db.prepare('SELECT item_id, checked, by, at FROM ticks WHERE run_id = ? ORDER BY item_id').all(runId) as Row[]).map((r) => ({
			itemId: r.item_id as string,
			checked: r.checked === 1,
			by: r.by as string,
			at: r.at as string,
		}));
		const fields = (this.db.prepare('SELECT name, value, by, at FROM fields WHERE run_id = ? ORDER BY name').all(runId) as Row[]).map((r) => ({
			name: r.name as string,
			value: r.value as string,
			by: r.by as string,
			at: r.at as string,
		}));
		return { run, results, ticks, fields, revision: this.revision(runId) };
	}

	/** The latest result per region of one check in a run. */
	checkResults(runId: string, checkId: string): StoredResult[] {
		return (
			this.db
				.prepare('SELECT r.* FROM results r JOIN (SELECT MAX(id) AS id FROM results WHERE run_id = ? AND check_id = ? GROUP BY region) l ON r.id = l.id ORDER BY r.region')
				.all(runId, checkId) as Row[]
		).map(toResult);
	}

	/** Every finished result of a run, oldest first: the history behind `record`'s latest ones (peaks for the retrospective). */
	runResults(runId: string): StoredResult[] {
		return (this.db.prepare("SELECT * FROM results WHERE run_id = ? AND state != 'running' ORDER BY id").all(runId) as Row[]).map(toResult);
	}

	/** Highest audit id of a run (0 when none): the cursor of live updates. */
	revision(runId: string): number {
		return Number((this.db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM audit WHERE run_id = ?').get(runId) as Row).id);
	}

	/** How many audit entries of a run come after `after`, counting at most `limit` (an index-only scan). */
	auditCount(runId: string, after: number, limit: number): number {
		return Number((this.db.prepare('SELECT COUNT(*) AS n FROM (SELECT 1 FROM audit WHERE run_id = ? AND id > ? LIMIT ?)').get(runId, after, limit) as Row).n);
	}

	auditLog(filter: { runId?: string; after?: number; limit?: number } = {}): AuditEntry[] {
		const rows = this.db
			.prepare(`SELECT * FROM audit WHERE (? IS NULL OR run_id = ?) AND id > ? ORDER BY id LIMIT ?`)
			.all(filter.runId ?? null, filter.runId ?? null, filter.after ?? 0, filter.limit ?? 1000) as Row[];
		return rows.map((r) => ({
			id: Number(r.id),
			at: r.at as string,
			actor: r.actor as string,
			subject: (r.subject as string) ?? null,
			action: r.action as string,
			runId: (r.run_id as string) ?? null,
			target: (r.target as string) ?? null,
			detail: r.detail ? JSON.parse(r.detail as string) : null,
			pageRevision: (r.page_revision as string) ?? null,
		}));
	}

	/** The latest finished result of every check and region in an environment (for metrics). */
	latestResults(environment?: string): StoredResult[] {
		return (
			this.db
				.prepare("SELECT r.* FROM results r JOIN (SELECT MAX(id) AS id FROM results WHERE state != 'running' AND (? IS NULL OR environment = ?) GROUP BY environment, check_id, region) l ON r.id = l.id")
				.all(environment ?? null, environment ?? null) as Row[]
		).map(toResult);
	}

	/**
	 * Creates a session for a person (a bare name: a session of the shared token, as before named
	 * people, read back as break-glass); returns the secret cookie value (only its hash is stored).
	 */
	createSession(person: Person | string, ttlHours = 24 * 14): string {
		const p = typeof person === 'string' ? { name: person, subject: null, roles: [], via: null } : person;
		const token = randomBytes(32).toString('base64url');
		const now = this.#now();
		this.#tx(() =>
			this.db
				.prepare('INSERT INTO sessions (token_hash, name, subject, roles, via, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
				.run(sha256(token), p.name, p.subject, p.roles.join(','), p.via, now.toISOString(), new Date(now.getTime() + ttlHours * 3_600_000).toISOString(), now.toISOString()),
		);
		return token;
	}

	/** The person a session cookie belongs to, or null (also when it went unused for `idleMs`). */
	session(token: string | undefined, idleMs = Infinity): Person | null {
		const name = this.sessionName(token, idleMs);
		if (name === null) return null;
		const row = this.db.prepare('SELECT subject, roles, via FROM sessions WHERE token_hash = ?').get(sha256(token!)) as Row | undefined;
		// Sessions from before named people were made with the shared token: break-glass.
		if (!row?.subject) return breakGlassPerson(name);
		const roles = (row.roles as string).split(',').filter((r): r is Role => (allRoles as readonly string[]).includes(r));
		return { subject: row.subject as string, name, roles, via: row.via as SignInSource };
	}

	/**
	 * The name of the facilitator a session cookie belongs to, or null: also when the session went
	 * unused for `idleMs`. Use is recorded at most once a minute (or a tenth of `idleMs`).
	 */
	sessionName(token: string | undefined, idleMs = Infinity): string | null {
		if (!token) return null;
		const hash = sha256(token);
		const row = this.db.prepare('SELECT name, expires_at, last_seen_at, created_at FROM sessions WHERE token_hash = ?').get(hash) as Row | undefined;
		const now = this.#now();
		if (!row || (row.expires_at as string) < now.toISOString()) return null;
		const lastSeen = Date.parse((row.last_seen_at ?? row.created_at) as string);
		if (now.getTime() - lastSeen > idleMs) return null;
		if (now.getTime() - lastSeen > Math.min(60_000, idleMs / 10)) {
			try {
				this.#tx(() => this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(now.toISOString(), hash));
			} catch {
				// A read must not fail because its bookkeeping could not be written (full disk).
			}
		}
		return row.name as string;
	}

	deleteSession(token: string): void {
		this.#tx(() => this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(sha256(token)));
	}

	setting(key: string): string | null {
		const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as Row | undefined;
		return row ? (row.value as string) : null;
	}

	setSetting(key: string, value: string | null): void {
		this.#tx(() => {
			if (value === null) this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
			else this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
		});
	}

	// --- Run-all jobs and revision-checked fields (day-server) -------------------------------

	/** Writes one audit entry of a run (a job's start or end): the change feed carries it live. */
	recordEvent(input: { actor: string; action: string; runId: string; target?: string | null; detail?: unknown }): AuditEntry {
		const id = this.#tx(() => this.#audit(input.actor, input.action, input.runId, input.target ?? null, input.detail, this.run(input.runId).pageRevision));
		return this.auditLog({ after: id - 1, limit: 1 })[0]!;
	}

	/** The newest audit entry of a run among some actions (e.g. the last run-all start or end), or null. */
	lastEvent(runId: string, actions: readonly string[]): AuditEntry | null {
		const row = this.db
			.prepare(`SELECT id FROM audit WHERE run_id = ? AND action IN (${actions.map(() => '?').join(', ')}) ORDER BY id DESC LIMIT 1`)
			.get(runId, ...actions) as Row | undefined;
		return row ? this.auditLog({ after: Number(row.id) - 1, limit: 1 })[0]! : null;
	}

	/**
	 * Marks checks a dead job never started as interrupted (one row each, status error), so a
	 * page shows them cut rather than silently not run.
	 */
	interruptQueued(input: { runId: string; checkIds: readonly string[]; environment: string; message: string; actor: string }): void {
		this.#tx(() => {
			const run = this.run(input.runId);
			const at = this.#at();
			for (const checkId of input.checkIds) {
				this.db
					.prepare("INSERT INTO results (run_id, check_id, environment, region, state, status, message, observed, started_at, finished_at, page_revision, requested_by) VALUES (?, ?, ?, NULL, 'interrupted', 'error', ?, '{}', ?, ?, ?, ?)")
					.run(input.runId, checkId, input.environment, input.message, at, at, run.pageRevision, input.actor);
				this.#audit(input.actor, 'check.interrupted', input.runId, checkId, { region: null }, run.pageRevision);
			}
		});
	}

	/**
	 * Records a field only if it still holds the value the writer loaded (`expected`; '' for
	 * never recorded): two people editing one field, the later writer gets the current value back
	 * instead of overwriting it silently.
	 */
	setFieldIfUnchanged(runId: string, name: string, expected: string, value: string, actor: string, itemId: string | null = null): { ok: true; field: FieldValue } | { ok: false; current: FieldValue } {
		return this.#tx(() => {
			const run = this.#writable(runId);
			const row = this.db.prepare('SELECT name, value, by, at FROM fields WHERE run_id = ? AND name = ?').get(runId, name) as Row | undefined;
			if (row && row.value !== expected && row.value !== value) return { ok: false as const, current: { name, value: row.value as string, by: row.by as string, at: row.at as string } };
			const at = this.#at();
			this.db
				.prepare('INSERT INTO fields (run_id, name, value, by, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value, by = excluded.by, at = excluded.at')
				.run(runId, name, value, actor, at);
			this.#audit(actor, 'field.set', runId, name, { value, item: itemId }, run.pageRevision);
			return { ok: true as const, field: { name, value, by: actor, at } };
		});
	}

	close(): void {
		clearInterval(this.#settleTimer);
		this.#settleTimer = undefined;
		if (this.db.isOpen) this.db.close();
	}
}

export { sha256 };
