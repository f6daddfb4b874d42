import type { CheckResult } from '../checks/runner.ts';
import type { Person } from '../server/roles.ts';
import { AuditLog, changeChannel } from './audit.ts';
import { Instances } from './instances.ts';
import type { AuditEntry, FieldValue, Run, RunRecord, StoredResult, Tick } from './model.ts';
import type { PostgresDb } from './postgres-db.ts';
import { ProbeFlights } from './probe-flights.ts';
import { RateBuckets } from './rate-buckets.ts';
import { CheckResults } from './results.ts';
import { RunRecords } from './runs.ts';
import { Sessions } from './sessions.ts';
import type { SqlDb, SqlQueries } from './sql.ts';

/**
 * The handbook's store, the same on SQLite and Postgres: one object over the per-concern
 * modules (runs, results, audit, sessions) and one transaction helper, every method a promise.
 * Open it with `openStore()` (store.ts), which picks the backend from the environment.
 */
export class HandbookStore {
	readonly #db: SqlDb;
	readonly #audit: AuditLog;
	readonly #runs: RunRecords;
	readonly #results: CheckResults;
	readonly #sessions: Sessions;
	readonly now: () => Date;
	/** This process's lease on the store, and the liveness of the others'. */
	readonly instances: Instances;
	/** One probe per check and environment across the instances sharing the store. */
	readonly flights: ProbeFlights;
	/** Rate-limit buckets every instance spends from. */
	readonly rateBuckets: RateBuckets;

	constructor(db: SqlDb, options: { now?: () => Date } = {}) {
		this.#db = db;
		this.now = options.now ?? (() => new Date());
		const at = () => this.now().toISOString();
		this.#audit = new AuditLog(db, at, { notify: db.dialect === 'postgres' });
		this.instances = new Instances(db, this.#audit);
		this.#runs = new RunRecords(db, this.#audit, at);
		this.#results = new CheckResults(db, this.#audit, this.#runs, at, () => this.instances.id);
		this.#sessions = new Sessions(db, this.now);
		this.flights = new ProbeFlights(db, this.instances);
		this.rateBuckets = new RateBuckets(db);
	}

	/**
	 * Calls `fn` with the run id of every audit entry any instance commits (Postgres LISTEN /
	 * NOTIFY), so live pages here hear of changes made elsewhere at once; on SQLite, the sole
	 * writer but for the CLI, live pages poll the audit log instead and this does nothing.
	 */
	async onChange(fn: (runId: string) => void): Promise<void> {
		if (this.#db.dialect === 'postgres') await (this.#db as PostgresDb).listen(changeChannel, fn);
	}

	/** 'sqlite' or 'postgres'. */
	get backend(): SqlDb['dialect'] {
		return this.#db.dialect;
	}

	/** Where the data lives: the SQLite file, or the Postgres URL without its password. */
	get location(): string {
		return this.#db.location;
	}

	/**
	 * Runs `fn` as one write transaction (writers serialized, a refused write a StoreWriteError):
	 * for the modules that keep their own tables in the store (workshop loop, people). Store
	 * methods called inside join it.
	 */
	transaction<T>(fn: (q: SqlQueries) => Promise<T>): Promise<T> {
		return this.#db.transaction(fn);
	}

	/** Reads for those modules (outside or inside their transaction). */
	get queries(): SqlQueries {
		return this.#db;
	}

	/** Writes an audit entry (inside the caller's transaction): who did what to which target. */
	audit(actor: string, action: string, target: string | null, detail?: unknown, runId: string | null = null): Promise<number> {
		return this.#db.transaction((q) => this.#audit.write(q, { actor, action, target, detail, runId }));
	}

	interruptUnfinished(only?: { ids: readonly number[]; message: string }): Promise<number> {
		return this.#results.interruptUnfinished(only);
	}

	createRun(input: { checklist: string; environment: string; workshop?: string | null; scenario?: string | null; pageRevision?: string | null; actor: string }): Promise<Run> {
		return this.#runs.create(input);
	}

	run(id: string): Promise<Run> {
		return this.#runs.run(id);
	}

	listRuns(filter: { checklist?: string; environment?: string; workshop?: string; limit?: number } = {}): Promise<Run[]> {
		return this.#runs.list(filter);
	}

	beginCheck(input: { runId: string | null; checkId: string; environment: string; regions: (string | null)[]; actor: string; pageRevision?: string | null }): Promise<number[]> {
		return this.#results.begin(input);
	}

	finishCheck(resultId: number, result: CheckResult, actor: string): Promise<void> {
		return this.#results.finish(resultId, result, actor);
	}

	settleUnstored(): Promise<number> {
		return this.#results.settleUnstored();
	}

	interruptQueued(input: { runId: string; checkIds: readonly string[]; environment: string; message: string; actor: string }): Promise<void> {
		return this.#results.interruptQueued(input);
	}

	setTick(runId: string, itemId: string, checked: boolean, actor: string): Promise<Tick> {
		return this.#runs.setTick(runId, itemId, checked, actor);
	}

	setField(runId: string, name: string, value: string, actor: string, itemId: string | null = null): Promise<FieldValue> {
		return this.#runs.setField(runId, name, value, actor, itemId);
	}

	setFieldIfUnchanged(runId: string, name: string, expected: string, value: string, actor: string, itemId: string | null = null) {
		return this.#runs.setFieldIfUnchanged(runId, name, expected, value, actor, itemId);
	}

	decide(runId: string, decision: 'go' | 'no-go', note: string | null, actor: string): Promise<Run> {
		return this.#runs.decide(runId, decision, note, actor);
	}

	signOff(runId: string, actor: string, options: { inFlight?: (row: StoredResult) => boolean | Promise<boolean> } = {}): Promise<Run> {
		return this.#runs.signOff(runId, actor, options);
	}

	/** The run with the latest result per check and region, its ticks and fields. */
	async record(runId: string): Promise<RunRecord> {
		// The revision first: a change landing while the rest is read is sent again, never skipped.
		const revision = await this.#audit.revision(runId);
		const run = await this.#runs.run(runId);
		const [results, ticks, fields] = await Promise.all([this.#results.latestOfRun(runId), this.#runs.ticks(runId), this.#runs.fields(runId)]);
		return { run, results, ticks, fields, revision };
	}

	checkResults(runId: string, checkId: string): Promise<StoredResult[]> {
		return this.#results.checkResults(runId, checkId);
	}

	runResults(runId: string): Promise<StoredResult[]> {
		return this.#results.runResults(runId);
	}

	latestResults(environment?: string): Promise<StoredResult[]> {
		return this.#results.latest(environment);
	}

	revision(runId: string): Promise<number> {
		return this.#audit.revision(runId);
	}

	auditCount(runId: string, after: number, limit: number): Promise<number> {
		return this.#audit.count(runId, after, limit);
	}

	auditLog(filter: { runId?: string; after?: number; limit?: number } = {}): Promise<AuditEntry[]> {
		return this.#audit.entries(filter);
	}

	/** Writes one audit entry of a run (a job's start or end): the change feed carries it live. */
	async recordEvent(input: { actor: string; action: string; runId: string; target?: string | null; detail?: unknown }): Promise<AuditEntry> {
		const id = await this.#db.transaction(async (q) => this.#audit.write(q, { ...input, pageRevision: (await this.#runs.run(input.runId)).pageRevision }));
		return (await this.#audit.entry(id))!;
	}

	lastEvent(runId: string, actions: readonly string[]): Promise<AuditEntry | null> {
		return this.#audit.last(runId, actions);
	}

	/**
	 * Creates a session for a person (a bare name: a session of the shared token, as before named
	 * people, read back as break-glass); returns the secret cookie value (only its hash is stored).
	 */
	createSession(person: Person | string, ttlHours?: number): Promise<string> {
		return this.#sessions.create(person, ttlHours);
	}

	/** The person a session cookie belongs to, or null (also when it went unused for `idleMs`). */
	session(token: string | undefined, idleMs?: number): Promise<Person | null> {
		return this.#sessions.session(token, idleMs);
	}

	sessionName(token: string | undefined, idleMs?: number): Promise<string | null> {
		return this.#sessions.name(token, idleMs);
	}

	deleteSession(token: string): Promise<void> {
		return this.#sessions.delete(token);
	}

	setting(key: string): Promise<string | null> {
		return this.#sessions.setting(key);
	}

	setSetting(key: string, value: string | null): Promise<void> {
		return this.#sessions.setSetting(key, value);
	}

	async close(): Promise<void> {
		this.#results.stopSettling();
		await this.instances.stop();
		await this.#db.close();
	}
}
