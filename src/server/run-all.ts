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
}

const actions = ['run-all.start', 'run-all.finish', 'run-all.interrupted'] as const;

/** Whether the process that wrote a job entry is still alive (a job of a dead process is cut). */
function alive(detail: JobDetail): boolean {
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
	#notify: (runId: string) => void;
	#now: () => Date;

	constructor(store: Store, notify: (runId: string) => void, now: () => Date = () => new Date()) {
		this.#store = store;
		this.#notify = notify;
		this.#now = now;
	}

	/**
	 * Starts the job of a run, or joins the one in flight (`joined`). `runCheck` runs and stores
	 * one check of the run; it never throws for a check that fails or errs.
	 */
	start(runId: string, checkIds: readonly string[], actor: string, runCheck: (checkId: string) => Promise<CheckResult[]>, concurrency = runAllConcurrency): { job: Job; joined: boolean } {
		const inFlight = this.#jobs.get(runId);
		if (inFlight) return { job: inFlight, joined: true };
		const checks = [...checkIds];
		const since = Math.max(0, ...this.#store.record(runId).results.map((r) => r.id));
		const detail: JobDetail = { checks, since, pid: process.pid, host: hostname() };
		const start = this.#store.recordEvent({ actor, action: 'run-all.start', runId, target: String(checks.length), detail });
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
		).then((pairs) => {
			state.state = 'finished';
			this.#jobs.delete(runId);
			try {
				state.finishedAt = this.#store.recordEvent({ actor, action: 'run-all.finish', runId, target: String(checks.length), detail: { start: start.id } }).at;
			} catch {
				state.finishedAt = this.#now().toISOString();
			}
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
	state(runId: string): RunAllState | null {
		const mine = this.#jobs.get(runId);
		if (mine) return { ...mine.state, checks: [...mine.state.checks] };
		let last = this.#store.lastEvent(runId, actions);
		if (!last) return null;
		let dead = false;
		if (last.action === 'run-all.start' && !alive(last.detail as JobDetail)) {
			this.#interrupt(runId, last);
			last = this.#store.lastEvent(runId, actions)!;
			dead = true;
		}
		const start = last.action === 'run-all.start' ? last : this.#entry((last.detail as { start?: number } | null)?.start);
		if (!start) return null;
		const { checks, since } = start.detail as JobDetail;
		const running = last.action === 'run-all.start' && !dead;
		const results = running ? this.#store.record(runId).results : [];
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
	 * interrupted (those it had started are, by the store when the handbook starts again).
	 */
	#interrupt(runId: string, start: AuditEntry): void {
		const { checks, since } = start.detail as JobDetail;
		const results = this.#store.record(runId).results;
		const never = checks.filter((id) => !results.some((r) => r.checkId === id && r.id > since));
		try {
			const environment = this.#store.run(runId).environment;
			if (never.length) this.#store.interruptQueued({ runId, checkIds: never, environment, actor: 'system', message: 'interrupted: the handbook stopped before run all reached this check; run it again' });
			this.#store.recordEvent({ actor: 'system', action: 'run-all.interrupted', runId, target: String(never.length), detail: { start: start.id } });
		} catch {
			// A store that takes no writes (full disk): the job still reads as interrupted next time.
			return;
		}
		this.#notify(runId);
	}

	#entry(id: number | undefined): AuditEntry | null {
		if (id === undefined) return null;
		return this.#store.auditLog({ after: id - 1, limit: 1 })[0] ?? null;
	}
}
