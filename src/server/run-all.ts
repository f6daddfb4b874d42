import { hostname } from 'node:os';
import pLimit from 'p-limit';
import type { CheckResult } from '../checks/runner.ts';
import type { AuditEntry, Store } from '../store/store.ts';

/** How many checks a run-all job probes at once: enough that a checklist takes about its slowest check. */
export const runAllConcurrency = 8;

/** Where a run's "run all" stands, as the run view and its live events carry it. */
export interface RunAllState {
	state: 'running' | 'finished' | 'interrupted';
	/** The checks the job runs, in the order it starts them. */
	checks: string[];
	/** Checks finished so far (all of them once the job has finished). */
	done: number;
	startedAt: string;
	startedBy: string;
	finishedAt: string | null;
}

/** What a job's start entry in the audit log records: enough for another process to judge it. */
interface JobDetail {
	checks: string[];
	/** The run's newest result id when the job started: rows above it are the job's. */
	since: number;
	pid: number;
	host: string;
	/** The store lease of the instance running it (absent in jobs recorded before leases). */
	instance?: string;
}

const actions = ['run-all.start', 'run-all.finish', 'run-all.interrupted'] as const;

/**
 * Whether the process that wrote a job entry is still alive (a job of a dead process is cut):
 * its lease on the store, which another instance on another host can judge too; for a job
 * recorded before leases, whether its process id still lives on this host.
 */
async function alive(detail: JobDetail, store: Store): Promise<boolean> {
	if (detail.instance) return store.instances.alive(detail.instance);
	if (detail.host !== hostname()) return true;
	if (detail.pid === process.pid) return true;
	try {
		process.kill(detail.pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}

interface Job {
	state: RunAllState;
	done: Promise<Map<string, CheckResult[]>>;
}

/**
 * "Run all" of a run as a server-side job: one per run at a time, at most `runAllConcurrency`
 * checks at once (p-limit). A second request, a reload or another browser joins the job in
 * flight; its start and end are audit entries, so every open page and other processes follow
 * it live; a job whose process died shows as interrupted, and so do the checks it never started.
 */
export class RunAllJobs {
	#store: Store;
	#jobs = new Map<string, Job>();
	/** Jobs being started (their start entry not yet written): a second request joins these too. */
	#starting = new Map<string, Promise<{ job: Job; joined: boolean }>>();
	#notify: (runId: string) => void;
	#now: () => Date;

	constructor(store: Store, notify: (runId: string) => void, now: () => Date = () => new Date()) {
		this.#store = store;
		this.#notify = notify;
		this.#now = now;
	}

	/**
	 * Starts the job of a run, or joins the one in flight here (`joined`). `runCheck` runs and
	 * stores one check of the run; it never throws for a check that fails or errs. Refused with
	 * `runningElsewhere` when another live instance runs the run's job: checking and starting are
	 * one store transaction, so two instances never both start one.
	 */
	start(runId: string, checkIds: readonly string[], actor: string, runCheck: (checkId: string) => Promise<CheckResult[]>, concurrency = runAllConcurrency, runningElsewhere?: () => Error): Promise<{ job: Job; joined: boolean }> {
		const inFlight = this.#jobs.get(runId);
		if (inFlight) return Promise.resolve({ job: inFlight, joined: true });
		const starting = this.#starting.get(runId);
		if (starting) return starting.then(({ job }) => ({ job, joined: true }));
		const started = this.#start(runId, checkIds, actor, runCheck, concurrency, runningElsewhere).finally(() => this.#starting.delete(runId));
		this.#starting.set(runId, started);
		return started;
	}

	async #start(runId: string, checkIds: readonly string[], actor: string, runCheck: (checkId: string) => Promise<CheckResult[]>, concurrency: number, runningElsewhere?: () => Error): Promise<{ job: Job; joined: boolean }> {
		const checks = [...checkIds];
		const start = await this.#store.transaction(async () => {
			if (runningElsewhere && (await this.state(runId))?.state === 'running') throw runningElsewhere();
			const since = Math.max(0, ...(await this.#store.record(runId)).results.map((r) => r.id));
			const detail: JobDetail = { checks, since, pid: process.pid, host: hostname(), instance: this.#store.instances.id };
			return this.#store.recordEvent({ actor, action: 'run-all.start', runId, target: String(checks.length), detail });
		});
		const state: RunAllState = { state: 'running', checks, done: 0, startedAt: start.at, startedBy: actor, finishedAt: null };
		const limit = pLimit(Math.max(1, concurrency));
		const done = Promise.all(
			checks.map((id) =>
				limit(async () => {
					const results = await runCheck(id).catch((err: Error): CheckResult[] => {
						// The run was signed off or the store refused the write: the job goes on with the others.
						const at = this.#now().toISOString();
						return [{ checkId: id, environment: '', region: null, status: 'error', message: err.message, observed: {}, durationMs: 0, startedAt: at, finishedAt: at }];
					});
					state.done++;
					return [id, results] as const;
				}),
			),
		).then(async (pairs) => {
			state.state = 'finished';
			try {
				state.finishedAt = (await this.#store.recordEvent({ actor, action: 'run-all.finish', runId, target: String(checks.length), detail: { start: start.id } })).at;
			} catch {
				state.finishedAt = this.#now().toISOString();
			}
			this.#jobs.delete(runId);
			this.#notify(runId);
			return new Map(pairs);
		});
		const job = { state, done };
		this.#jobs.set(runId, job);
		this.#notify(runId);
		return { job, joined: false };
	}

	/** The job of a run in flight in this process, if any. */
	inFlight(runId: string): Job | undefined {
		return this.#jobs.get(runId);
	}

	/**
	 * Where the latest job of a run stands (this process's, another's, or a dead one's); null if
	 * never run. A dead process's job is ended here, the first time anyone looks.
	 */
	async state(runId: string): Promise<RunAllState | null> {
		const mine = this.#jobs.get(runId);
		if (mine) return { ...mine.state, checks: [...mine.state.checks] };
		let last = await this.#store.lastEvent(runId, actions);
		if (!last) return null;
		let dead = false;
		if (last.action === 'run-all.start' && !(await alive(last.detail as JobDetail, this.#store))) {
			await this.#interrupt(runId, last);
			last = (await this.#store.lastEvent(runId, actions))!;
			dead = last.action === 'run-all.start';
		}
		const start = last.action === 'run-all.start' ? last : await this.#entry((last.detail as { start?: number } | null)?.start);
		if (!start) return null;
		const { checks, since } = start.detail as JobDetail;
		const running = last.action === 'run-all.start' && !dead;
		const results = running ? (await this.#store.record(runId)).results : [];
		return {
			state: running ? 'running' : last.action === 'run-all.finish' ? 'finished' : 'interrupted',
			checks,
			done: running ? checks.filter((id) => results.some((r) => r.checkId === id && r.state !== 'running' && r.id > since)).length : checks.length,
			startedAt: start.at,
			startedBy: start.actor,
			finishedAt: running ? null : last.at,
		};
	}

	/**
	 * Ends the job of a process that died mid-run: the checks it never started are marked
	 * interrupted (those it had started are, by the store: when the handbook starts again on
	 * SQLite, when the dead instance's lease runs out on Postgres). One transaction that first
	 * makes sure no other instance ended it already.
	 */
	async #interrupt(runId: string, start: AuditEntry): Promise<void> {
		const { checks, since } = start.detail as JobDetail;
		try {
			await this.#store.transaction(async () => {
				if ((await this.#store.lastEvent(runId, actions))?.id !== start.id) return;
				const results = (await this.#store.record(runId)).results;
				const never = checks.filter((id) => !results.some((r) => r.checkId === id && r.id > since));
				const environment = (await this.#store.run(runId)).environment;
				if (never.length) await this.#store.interruptQueued({ runId, checkIds: never, environment, actor: 'system', message: 'interrupted: the handbook stopped before run all reached this check; run it again' });
				await this.#store.recordEvent({ actor: 'system', action: 'run-all.interrupted', runId, target: String(never.length), detail: { start: start.id } });
			});
		} catch {
			// A store that takes no writes (full disk): the job still reads as interrupted next time.
			return;
		}
		this.#notify(runId);
	}

	async #entry(id: number | undefined): Promise<AuditEntry | null> {
		if (id === undefined) return null;
		return (await this.#store.auditLog({ after: id - 1, limit: 1 }))[0] ?? null;
	}
}
