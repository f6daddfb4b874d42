import { computeProgress, type Progress } from '../checklists/progress.ts';
import { afterActionReport } from '../checklists/rehearsal.ts';
import type { Scenario } from '../checklists/scenario.ts';
import { ScenarioFiles } from '../checklists/scenario-files.ts';
import type { ChecklistPage, ChecklistRegistry } from '../checklists/registry.ts';
import type { CheckResult, Engine, ProbeOverride } from '../checks/runner.ts';
import type { AuditEntry, FieldValue, RunRecord, Store } from '../store/store.ts';
import { ChecksInFlightError, NotFoundError } from '../store/store.ts';
import { checklistEnvironment, checklistGate, nextWorkshop } from './run-defaults.ts';
import type { EventHub } from './events.ts';
import { rehearsalEvents, rehearsalOverride } from './rehearsal-run.ts';
import { SingleFlight } from './single-flight.ts';
import { RunAllJobs, runAllConcurrency, type RunAllState } from './run-all.ts';
import type { RunEventData } from './run-event.ts';
import { visibleField, visibleResult, visibleRun, type Reader } from './visibility.ts';
import { RequestError } from './request-error.ts';

/** A run as the API and the pages see it: the record plus its checklist and computed progress. */
export interface RunView extends RunRecord {
	checklist: { id: string; title: string | null; path: string; revision: string; changedSinceRun: boolean; gate: boolean };
	progress: Progress;
	/** The run's latest "run all" job, null when it never had one. */
	runAll: RunAllState | null;
}

/** A field changed since the writer loaded it: nothing was written; here is what it holds now. */
export interface FieldConflict {
	conflict: { name: string; value: string; by: string; at: string };
}

/**
 * Runs of checklists: the one place where the engine, the store and live events meet. The API
 * endpoints and the CLI are thin shells over this.
 */
export class RunService {
	readonly engine: Engine;
	readonly store: Store;
	readonly checklists: ChecklistRegistry;
	events: EventHub | null = null;
	readonly scenariosDir: string;
	readonly jobs: RunAllJobs;
	#scenarios: ScenarioFiles;
	#now: () => Date;
	/** Result rows this process is probing right now: what a shutdown waits for. */
	#probing = new Set<number>();

	constructor(engine: Engine, store: Store, checklists: ChecklistRegistry, options: { scenariosDir?: string; now?: () => Date } = {}) {
		this.engine = engine;
		this.store = store;
		this.checklists = checklists;
		this.scenariosDir = options.scenariosDir ?? 'src/content/scenarios';
		this.#now = options.now ?? (() => new Date());
		this.#scenarios = new ScenarioFiles(this.scenariosDir);
		this.jobs = new RunAllJobs(store, (runId) => this.events?.notify(runId), this.#now);
	}

	/** The rehearsal scenarios (src/content/scenarios): a file changed on disk applies at once. */
	scenario(id: string): Scenario {
		const found = this.#scenarios.find(id);
		if (!found) throw new RequestError(404, `unknown scenario "${id}"`);
		return found;
	}

	/**
	 * In a rehearsal run every check answers its scripted outcome once the inject's time has
	 * passed, healthy before and when the scenario does not script it: nothing real is probed.
	 */
	async overrideFor(runId: string | null): Promise<ProbeOverride | undefined> {
		if (!runId) return undefined;
		const run = await this.store.run(runId);
		if (!run.scenario) return undefined;
		return rehearsalOverride(this.scenario(run.scenario), Date.parse(run.createdAt), this.#now);
	}

	/**
	 * The after-action report of a rehearsal run (Markdown), from its audit log: every tick,
	 * field, check and decision timed from the run's start.
	 */
	async report(runId: string, reader: Reader = 'facilitator'): Promise<string> {
		const { run } = await this.#record(runId);
		if (!run.scenario) throw new RequestError(409, `run ${runId} is not a rehearsal`);
		const scenario = this.scenario(run.scenario);
		const start = Date.parse(run.createdAt);
		const events = rehearsalEvents(await this.store.auditLog({ runId, limit: 100_000 }), start, reader);
		return afterActionReport(scenario, events, { items: this.checklist(run.checklist).items, startedAt: new Date(start), now: this.#now().getTime() - start });
	}

	checklist(id: string): ChecklistPage {
		const c = this.checklists.get(id);
		if (!c) throw new RequestError(404, `unknown checklist "${id}"; known: ${this.checklists.all().map((x) => x.id).join(', ')}`);
		return c;
	}

	/** What a new run of a checklist gets when the request leaves it out. */
	runDefaults(checklistId: string): { environment: string; workshop: string } {
		const checklist = this.checklist(checklistId);
		return { environment: this.engine.environment(checklistEnvironment(checklist)).id, workshop: nextWorkshop(this.#now(), this.engine.handbook.cadence) };
	}

	/**
	 * Starts a run: in the checklist's own environment unless told otherwise, for the next
	 * workshop by the cadence unless told otherwise. Refused (400) in an environment where none
	 * of the checklist's checks is defined: every check would come back skipped.
	 */
	async startRun(input: { checklist?: string; environment?: string; workshop?: string | null; scenario?: string | null }, actor: string) {
		// A rehearsal runs its scenario's runbook page unless told otherwise.
		const scenario = input.scenario ? this.scenario(input.scenario) : null;
		const checklistId = input.checklist ?? (scenario ? this.checklists.byPath(scenario.runbook)?.id : undefined);
		if (!checklistId) throw new RequestError(400, scenario ? `the runbook ${scenario.runbook} of scenario "${scenario.id}" is not a runnable page` : 'name the checklist to run');
		const checklist = this.checklist(checklistId);
		let env;
		try {
			env = this.engine.environment(input.environment ?? checklistEnvironment(checklist));
		} catch (err) {
			throw new RequestError(400, (err as Error).message);
		}
		const checkIds = [...new Set(checklist.items.flatMap((i) => (i.checkId ? [i.checkId] : [])))];
		const known = checkIds.flatMap((id) => this.engine.handbook.checks.get(id) ?? []);
		if (known.length > 0 && !known.some((c) => this.engine.appliesTo(c, env))) {
			const own = checklistEnvironment(checklist);
			throw new RequestError(
				400,
				`none of the ${known.length} checks of the checklist "${checklist.id}" is defined for the environment "${env.id}", so every one would be skipped; start the run in ${own ? `its own environment "${own}"` : 'an environment its checks name'}`,
			);
		}
		const workshop = input.workshop ?? (scenario ? null : nextWorkshop(this.#now(), this.engine.handbook.cadence));
		const run = await this.store.createRun({ checklist: checklist.id, environment: env.id, workshop, scenario: input.scenario ?? null, pageRevision: checklist.revision, actor });
		this.events?.notify(run.id);
		return run;
	}

	/**
	 * A run as `reader` may see it (src/server/visibility.ts): anonymous readers get the status of
	 * every check but the observed values and messages of public checks only, and neither field
	 * values nor the decision note. Progress is computed from what the reader sees, so a blocker's
	 * reason never carries a hidden message; fields count as recorded all the same.
	 */
	async view(runId: string, reader: Reader = 'facilitator'): Promise<RunView> {
		await this.#record(runId);
		// First: a job whose process died is ended here, its unstarted checks marked interrupted.
		const runAll = await this.jobs.state(runId);
		const record = await this.#record(runId);
		const checklist = this.checklist(record.run.checklist);
		const results = record.results.map((r) => visibleResult(r, reader, (id) => this.engine.handbook.checks.get(id)?.access));
		return {
			...record,
			run: visibleRun(record.run, reader),
			results,
			fields: record.fields.map((f) => visibleField(f, reader)),
			checklist: { id: checklist.id, title: checklist.title, path: checklist.path, revision: checklist.revision, changedSinceRun: checklist.revision !== record.run.pageRevision, gate: checklistGate(checklist) },
			progress: this.#progress(checklist, { ...record, results }),
			runAll,
		};
	}

	/** Progress as every page shows it: a check not defined for the run's environment is skipped before it runs. */
	#progress(checklist: ChecklistPage, record: RunRecord): Progress {
		const env = this.engine.handbook.environments.get(record.run.environment);
		return computeProgress(checklist.items, record, (id) => this.engine.handbook.checks.get(id)?.maxAgeMinutes ?? 60, this.#now(), (id) => {
			const check = this.engine.handbook.checks.get(id);
			return env && check && !this.engine.appliesTo(check, env) ? `not defined for ${env.id}` : null;
		});
	}

	async #record(runId: string): Promise<RunRecord> {
		try {
			// Fields and notes are typed by people, who may paste a secret: redacted in every read.
			return this.engine.redactor.value(await this.store.record(runId));
		} catch (err) {
			if (err instanceof NotFoundError) throw new RequestError(404, err.message);
			throw err;
		}
	}

	/** Runs one check of the run's checklist (all its regions), storing the start before probing. */
	async runCheck(runId: string, checkId: string, actor: string): Promise<CheckResult[]> {
		const { run } = await this.#record(runId);
		const checklist = this.checklist(run.checklist);
		if (!checklist.items.some((i) => i.checkId === checkId)) throw new RequestError(404, `check "${checkId}" is not part of the checklist "${checklist.id}"`);
		return this.#runAndStore(runId, checkId, run.environment, actor, checklist.revision);
	}

	/** Runs checks outside any run (CLI ad hoc, public self-checks): results are stored all the same. */
	async runAdHoc(checkId: string, environment: string | undefined, actor: string): Promise<CheckResult[]> {
		this.engine.check(checkId);
		return this.#runAndStore(null, checkId, this.engine.environment(environment).id, actor, null);
	}

	/** Identical check runs of a run in flight here: one stores and probes, the others share its answer. */
	#checkRuns = new SingleFlight<CheckResult[]>();

	#runAndStore(runId: string | null, checkId: string, environment: string, actor: string, pageRevision: string | null): Promise<CheckResult[]> {
		if (!runId) return this.#runAndStoreOnce(runId, checkId, environment, actor, pageRevision);
		return this.#checkRuns.run(`${runId}/${environment}/${checkId}`, () => this.#runAndStoreOnce(runId, checkId, environment, actor, pageRevision));
	}

	async #runAndStoreOnce(runId: string | null, checkId: string, environment: string, actor: string, pageRevision: string | null): Promise<CheckResult[]> {
		const check = this.engine.check(checkId);
		const env = this.engine.environment(environment);
		// Fifty open pages pressing Run within the cache window: the run already holds this very
		// result, so answer it without writing (or announcing) the same thing again.
		// A rehearsal's scripted answers, looked up once for the whole call.
		const override = await this.overrideFor(runId);
		const flight = `${env.id}/${checkId}`;
		// Several instances on one store: another's fresh answer counts as this one's cache.
		const cached = override ? null : (this.engine.cached(checkId, environment) ?? (this.store.backend === 'postgres' ? await this.store.flights.fresh(flight) : null));
		if (cached && runId) {
			const stored = (await this.store.checkResults(runId, checkId)).filter((r) => r.state === 'done');
			if (cached.every((c) => stored.some((s) => s.region === c.region && s.finishedAt === c.finishedAt))) return cached;
		}
		const regions = check.perRegion && this.engine.appliesTo(check, env) ? env.regions.map((r) => r.name) : [null];
		const rowIds = await this.store.beginCheck({ runId, checkId, environment, regions, actor, pageRevision });
		for (const id of rowIds) this.#probing.add(id);
		try {
			this.events?.notify(runId);
			let results: CheckResult[];
			try {
				const probe = () => this.engine.run(checkId, environment, { override });
				// Several instances on one store: one probe per check among them (a rehearsal's
				// scripted answers probe nothing; SQLite has one instance, whose engine already joins).
				results = override || this.store.backend === 'sqlite' ? await probe() : (await this.store.flights.run(flight, check.cacheSeconds, probe)).results;
			} catch (err) {
				const at = this.#now().toISOString();
				results = regions.map((region) => ({ checkId, environment, region, status: 'error' as const, message: (err as Error).message, observed: {}, durationMs: 0, startedAt: at, finishedAt: at }));
			}
			for (const [i, result] of results.entries()) await this.store.finishCheck(rowIds[i]!, result, actor);
			this.events?.notify(runId);
			return results;
		} finally {
			for (const id of rowIds) this.#probing.delete(id);
		}
	}

	/**
	 * On shutdown: waits up to `graceMs` for the checks this process is probing to finish, then
	 * marks those still running as interrupted (saying so); returns how many were interrupted.
	 */
	async finishInFlight(graceMs: number): Promise<number> {
		const until = Date.now() + graceMs;
		while (this.#probing.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
		if (this.#probing.size === 0) return 0;
		const n = await this.store.interruptUnfinished({ ids: [...this.#probing], message: 'interrupted: the handbook was shut down before this check finished; run it again' });
		this.#probing.clear();
		return n;
	}

	/**
	 * Starts the run's "run all" job, or joins the one in flight (`joined`): every check the
	 * checklist binds, in page order, at most `concurrency` at once. Progress reaches every open
	 * page live (each result, and the job's start and end); the answer does not wait for it.
	 */
	async startRunAll(runId: string, actor: string, options: { concurrency?: number; onResult?: (checkId: string, results: CheckResult[]) => void } = {}) {
		const { run } = await this.#record(runId);
		if (run.signedOffAt) throw new RequestError(409, `run ${runId} was signed off by ${run.signedOffBy}: it is frozen; start a new run to check again`);
		const checklist = this.checklist(run.checklist);
		const pageOrder = [...new Set(checklist.items.map((i) => i.checkId).filter((x): x is string => x !== null))];
		if (pageOrder.length === 0) throw new RequestError(400, `the checklist "${checklist.id}" binds no checks: there is nothing to run`);
		// Longest first (by deadline, a check's own estimate of how long it may take): the slowest
		// check starts at once, so the whole job takes about as long as it does.
		const budget = (id: string) => this.engine.handbook.checks.get(id)?.timeoutMs ?? 0;
		const ids = [...pageOrder].sort((a, b) => budget(b) - budget(a));
		const { job, joined } = await this.jobs.start(
			runId,
			ids,
			actor,
			async (id) => {
				const results = await this.#runAndStore(runId, id, run.environment, actor, checklist.revision);
				options.onResult?.(id, results);
				return results;
			},
			options.concurrency ?? runAllConcurrency,
			() => new RequestError(409, 'run all is already under way in another process for this run; its results appear here as they come'),
		);
		return { runAll: job.state, joined, done: job.done };
	}

	/** Runs every check a run's checklist binds as its run-all job (joining one in flight), and waits for it. */
	async runAll(runId: string, actor: string, concurrency = runAllConcurrency, onResult?: (checkId: string, results: CheckResult[]) => void): Promise<Map<string, CheckResult[]>> {
		return (await this.startRunAll(runId, actor, { concurrency, onResult })).done;
	}

	async #item(runId: string, itemId: string) {
		const { run } = await this.#record(runId);
		const item = this.checklist(run.checklist).items.find((i) => i.id === itemId);
		if (!item) throw new RequestError(404, `item "${itemId}" is not on the checklist "${run.checklist}"`);
		return item;
	}

	async tick(runId: string, itemId: string, checked: boolean, actor: string) {
		await this.#item(runId, itemId);
		const tick = await this.store.setTick(runId, itemId, checked, actor);
		this.events?.notify(runId);
		return tick;
	}

	/**
	 * Records a field. With `expected` (the value the writer loaded, '' when it was empty) the
	 * write happens only if nobody changed it since; otherwise the answer is the current value.
	 */
	async setField(runId: string, itemId: string, name: string, value: string, actor: string, expected?: string): Promise<{ field: FieldValue } | FieldConflict> {
		const item = await this.#item(runId, itemId);
		if (!item.fields.some((f) => f.name === name)) throw new RequestError(404, `item "${itemId}" records no field "${name}"`);
		if (expected === undefined) {
			const field = await this.store.setField(runId, name, value, actor, itemId);
			this.events?.notify(runId);
			return { field: this.engine.redactor.value(field) };
		}
		const written = await this.store.setFieldIfUnchanged(runId, name, expected, value, actor, itemId);
		if (!written.ok) return { conflict: written.current };
		this.events?.notify(runId);
		return { field: this.engine.redactor.value(written.field) };
	}

	/**
	 * Records the go / no-go. A decision against the computed verdict needs a note saying why
	 * (400 naming the blockers otherwise), so "go" over a failing check is always explained.
	 */
	async decide(runId: string, decision: 'go' | 'no-go', note: string | null, actor: string) {
		const view = await this.view(runId);
		const computed = view.progress.recommendation;
		if (decision !== computed && !note?.trim()) {
			const blockers = view.progress.blockers.slice(0, 5).map((b) => b.text);
			const more = view.progress.blockers.length - blockers.length;
			const why = computed === 'no-go' ? ` (blocking: ${blockers.join('; ')}${more > 0 ? `; and ${more} more` : ''})` : '';
			throw new RequestError(400, `recording ${decision} against the computed ${computed}${why} needs a note saying why`);
		}
		const run = await this.store.decide(runId, decision, note, actor);
		this.events?.notify(runId);
		return run;
	}

	async signOff(runId: string, actor: string) {
		const view = await this.view(runId);
		// Only a gate checklist has a go / no-go to record first; the others just sign off.
		if (view.checklist.gate && !view.run.decision) throw new RequestError(409, 'record the go / no-go decision before signing off');
		let run;
		try {
			run = await this.store.signOff(runId, actor, { inFlight: (row) => this.#inFlight(row) });
		} catch (err) {
			if (err instanceof ChecksInFlightError) throw new RequestError(409, err.message);
			throw err;
		}
		this.events?.notify(runId);
		return run;
	}

	/**
	 * Whether a `running` row may still get its result: it started within its check's deadline
	 * and a minute's grace. Past that its process is gone (killed, or a CLI run that died), and
	 * sign-off settles it as interrupted instead of waiting forever.
	 */
	#inFlight(row: { checkId: string; startedAt: string }): boolean {
		const timeoutMs = this.engine.handbook.checks.get(row.checkId)?.timeoutMs ?? 900_000;
		return this.#now().getTime() - Date.parse(row.startedAt) < timeoutMs + 60_000;
	}

	/** Progress and run-all state per record read: the live feed shares one record across a batch of entries. */
	#batchState = new WeakMap<RunRecord, { progress: Progress | undefined; runAll: RunAllState | null }>();

	/**
	 * The state an audit entry changed, sent with the live event so pages need not refetch: the
	 * changed rows, the run's progress as computed here, and its run-all job (`RunEventData`).
	 * The live feed passes one (redacted) `record` for a whole batch of entries instead of reading
	 * it for each; progress and the run-all state are computed once per record.
	 */
	async eventData(entry: AuditEntry, record?: RunRecord): Promise<RunEventData | undefined> {
		if (!entry.runId) return undefined;
		// Fields and notes are typed by people: redacted in every read.
		record ??= this.engine.redactor.value(await this.store.record(entry.runId));
		let shared = this.#batchState.get(record);
		if (!shared) {
			const checklist = this.checklists.get(record.run.checklist);
			shared = { progress: checklist ? this.#progress(checklist, record) : undefined, runAll: await this.jobs.state(entry.runId) };
			this.#batchState.set(record, shared);
		}
		switch (entry.action) {
			case 'check.start':
			case 'check.result':
			case 'check.interrupted':
				return { ...shared, results: record.results.filter((r) => r.checkId === entry.target) };
			case 'item.tick':
			case 'item.untick':
				return { ...shared, tick: record.ticks.find((t) => t.itemId === entry.target) };
			case 'field.set':
				return { ...shared, field: record.fields.find((f) => f.name === entry.target) };
			default:
				return { ...shared, run: record.run };
		}
	}
}
