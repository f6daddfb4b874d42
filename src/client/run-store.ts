// The browser side of a checklist run: one store per page, shared by the run bar and every item
// widget. It talks to /api only (JSON, same origin), follows the run live over Server-Sent
// Events and tells its widgets when to re-render. No framework: an EventTarget and fetch.
import type { RunView } from '../server/runs.ts';
import type { RunEvent } from '../server/run-event.ts';
import type { Run, StoredResult } from '../store/store.ts';
import type { ApiError } from './api.ts';
import type { DisplayState } from './format.ts';
import { FieldEdits, type FieldConflict } from './field-edits.ts';
import { announcement } from './run-announce.ts';
import { applyEvent, upsertTick } from './run-apply.ts';
import { runApi, type Catalogue, type CatalogueCheck, type RunDefaults, type Session } from './run-api.ts';
import { RunStream, type Connection } from './run-stream.ts';
import { dutyHint, mayDo, type Duty } from './run-roles.ts';
import { showRunInAddress } from './page-address.ts';
import { startPageTimers } from './page-timers.ts';
import { serialReads } from './serial-reads.ts';
import { rememberedEnvironment, rememberEnvironment, rememberRehearsal } from './storage.ts';

/**
 * State of the run shown on this page. Emits `change` after every update, `announce` (detail:
 * text) for changes worth saying aloud, and `clock` every 15 s so ages stay current.
 */
export class RunStore extends EventTarget {
	checklist = '';
	session: Session = { facilitator: false, name: null, roles: [] };
	/** Whether this page is an incident runbook, which on-call works too (set by the run bar). */
	runbook = false;
	catalogue: Catalogue | null = null;
	environment = '';
	runs: Run[] = [];
	view: RunView | null = null;
	connection: Connection = 'offline';
	/** Checks with a run request in flight from this page. */
	readonly requested = new Set<string>();
	/** Set when the page could not load its state at all. */
	failure: string | null = null;
	loaded = false;
	/** What a new run gets unless told otherwise (the server's: the page's environment, the next workshop). */
	defaults: RunDefaults | null = null;
	/** A newer run of this checklist someone else started while this page shows another one. */
	newerRun: Run | null = null;
	readonly #edits = new FieldEdits();
	#stopTimers: () => void = () => {};
	#stream: RunStream | null = null;
	#refresh: { timer?: ReturnType<typeof setTimeout> } = {};

	/** Fields whose save was refused because someone changed them first, by name. */
	get conflicts(): FieldEdits['conflicts'] {
		return this.#edits.conflicts;
	}

	get run(): Run | null {
		return this.view?.run ?? null;
	}

	get frozen(): boolean {
		return Boolean(this.view?.run.signedOffAt);
	}

	/** Whether the reader's roles cover a duty on this page: working its runs, or deciding (run-roles.ts). */
	may(duty: Duty): boolean {
		return mayDo(this.session, duty, this);
	}

	/** Why the reader cannot do a duty (run-roles.ts), or ''. */
	roleHint(duty: Duty): string {
		return dutyHint(this.session, duty, this);
	}

	/** Whether this reader may change the run now (tick, record, run all): it is open and theirs to work. */
	get canEdit(): boolean {
		return this.may('work') && this.view !== null && !this.frozen;
	}

	/** Whether this reader may decide and sign off the run now. */
	get canDecide(): boolean {
		return this.may('decide') && this.view !== null && !this.frozen;
	}

	check(id: string): CatalogueCheck | undefined {
		return this.catalogue?.checks.find((c) => c.id === id);
	}

	/** Whether this reader may run a check in the current run. */
	canRun(checkId: string): boolean {
		const check = this.check(checkId);
		return this.view !== null && !this.frozen && check?.canRun === true && (check.access === 'public' || this.may('work'));
	}

	/** The latest results of a check in the current run, one per region. */
	results(checkId: string): StoredResult[] {
		return this.view?.results.filter((r) => r.checkId === checkId) ?? [];
	}

	/** Where an item stands: the state the server computed (progress), shown as it is. */
	state(itemId: string): DisplayState {
		if (!this.view) return 'no-run';
		return this.view.progress.items.find((i) => i.id === itemId)?.state ?? 'not-run';
	}

	/** The server's reason an item is not done (why it failed, errs, warns or was skipped). */
	reason(itemId: string): string | null {
		return this.view?.progress.items.find((i) => i.id === itemId)?.reason ?? null;
	}

	emit(): void {
		this.dispatchEvent(new Event('change'));
	}

	announce(text: string): void {
		this.dispatchEvent(new CustomEvent('announce', { detail: text }));
	}

	/**
	 * Loads session, catalogue, runs and the current run of a checklist page. The environment is
	 * `?env=`, else the page's own (`checklist.environment`), else the one last chosen here.
	 */
	async start(checklist: string, ownEnvironment?: string): Promise<void> {
		this.checklist = checklist;
		// Staleness is computed by the server; runs started elsewhere have no event on this run's
		// stream: look for them every 10 s while the page is seen, and when the reader comes back.
		this.#stopTimers = startPageTimers({
			clock: () => this.dispatchEvent(new Event('clock')),
			catchUp: () => this.loaded && !this.failure && this.#loadRuns().then(() => this.emit(), () => {}),
			reread: () => this.loaded && this.refresh(0),
		});
		try {
			await this.#loadIdentity();
			const query = new URLSearchParams(location.search);
			const wanted = query.get('run');
			const envs = this.catalogue!.environments.map((e) => e.id);
			this.environment = [query.get('env'), ownEnvironment, rememberedEnvironment()].find((e): e is string => !!e && envs.includes(e)) ?? this.catalogue!.defaultEnvironment;
			let view: RunView | null = null;
			if (wanted) view = await runApi.view(wanted).catch(() => null);
			if (view && view.checklist.id !== checklist) view = null;
			if (view) this.environment = view.run.environment;
			await this.#loadRuns();
			if (!view && this.runs[0]) view = await runApi.view(this.runs[0].id);
			this.#show(view);
		} catch (err) {
			this.failure = `Live checklist unavailable: ${(err as Error).message}.`;
		}
		this.loaded = true;
		this.emit();
	}

	async #loadIdentity(): Promise<void> {
		[this.session, this.catalogue] = await Promise.all([runApi.session(), runApi.catalogue()]);
	}

	async #loadRuns(): Promise<void> {
		const { runs, defaults } = await runApi.runs(this.checklist, this.environment);
		const known = new Set(this.runs.map((r) => r.id));
		this.runs = runs;
		this.defaults = defaults ?? null;
		// Someone else started a newer run while this page shows an older one: offer to switch.
		const newest = runs[0];
		const shown = this.view?.run;
		if (newest && shown && newest.id !== shown.id && !known.has(newest.id) && newest.createdAt > shown.createdAt) {
			this.newerRun = newest;
			this.announce(`${newest.createdBy} started a new run${newest.workshop ? ` for ${newest.workshop}` : ''}. Switch to it from the run bar.`);
		}
	}

	/** Stops the page's timers and live stream (the run bar leaving the page). */
	stop(): void {
		this.#stopTimers();
		this.#stopTimers = () => {};
		this.#stream?.close();
		this.#stream = null;
		clearTimeout(this.#refresh.timer);
	}

	#show(view: RunView | null): void {
		const changed = view?.run.id !== this.view?.run.id;
		this.view = view;
		rememberRehearsal(view);
		if (!changed) return;
		if (this.newerRun && view?.run.id === this.newerRun.id) this.newerRun = null;
		this.#edits.reset(view?.fields ?? []);
		showRunInAddress(view?.run.id ?? null);
		this.#follow();
	}

	async selectEnvironment(environment: string): Promise<void> {
		this.environment = environment;
		rememberEnvironment(environment);
		this.newerRun = null;
		await this.#guard(async () => {
			await this.#loadRuns();
			this.#show(this.runs[0] ? await runApi.view(this.runs[0].id) : null);
		});
	}

	async selectRun(runId: string): Promise<void> {
		await this.#guard(async () => this.#show(await runApi.view(runId)));
	}

	/** Starts a run (the workshop left out: the server's default, the next workshop). Resolves true once shown. */
	async startRun(workshop: string, scenario?: string): Promise<boolean> {
		return this.#guard(async () => {
			const { run } = await runApi.start({ checklist: this.checklist, environment: this.environment, ...(workshop ? { workshop } : {}), ...(scenario ? { scenario } : {}) });
			this.runs.unshift(run);
			this.#show(await runApi.view(run.id));
			this.announce(`Started a new run${workshop ? ` for ${workshop}` : ''}.`);
		});
	}

	/** Runs one check of the current run; the result arrives in the answer and live. */
	async runCheck(checkId: string): Promise<void> {
		const run = this.run;
		if (!run || this.requested.has(checkId)) return;
		this.requested.add(checkId);
		this.emit();
		try {
			await this.#guard(() => runApi.runCheck(run.id, checkId));
		} finally {
			this.requested.delete(checkId);
			this.refresh(0);
		}
	}

	/**
	 * Asks the server to run every check of the run as its job (or to join the one in flight);
	 * progress arrives with the run's live events. Resolves true once the server took it.
	 */
	async runAll(): Promise<boolean> {
		const run = this.run;
		if (!run) return false;
		return this.#guard(async () => {
			const { runAll } = await runApi.runAll(run.id);
			if (this.view?.run.id === run.id && runAll && (!this.view.runAll || this.view.runAll.startedAt <= runAll.startedAt)) this.view.runAll = runAll;
		});
	}

	async tick(itemId: string, checked: boolean): Promise<void> {
		const view = this.view;
		if (!view) return;
		const before = view.ticks.find((t) => t.itemId === itemId);
		upsertTick(view, { itemId, checked, by: this.session.name ?? 'you', at: new Date().toISOString() });
		this.emit();
		const ok = await this.#guard(() => runApi.tick(view.run.id, itemId, checked));
		if (!ok) {
			view.ticks = view.ticks.filter((t) => t.itemId !== itemId).concat(before ? [before] : []);
			this.emit();
		}
		this.refresh();
	}

	/** The reader starts editing a field: what it shows now is the value a save replaces. */
	beginEdit(field: string): void {
		this.#edits.begin(field);
	}

	/** The reader left the field without changing it: a later edit starts from what it shows then. */
	endEdit(field: string): void {
		this.#edits.end(field);
	}

	/**
	 * Records a field, saying which value it replaces (the one shown when the editing began):
	 * when someone else changed it meanwhile, nothing is overwritten and `conflicts` holds what
	 * it says now.
	 */
	async setField(itemId: string, field: string, value: string): Promise<boolean> {
		const view = this.view;
		if (!view) return false;
		const expected = this.#edits.expected(field);
		const ok = await this.#guard(async () => {
			try {
				await runApi.setField(view.run.id, itemId, { field, value, expected });
			} catch (err) {
				const current = (err as ApiError).body?.current as FieldConflict | undefined;
				if ((err as ApiError).status === 409 && current) {
					this.#edits.refused(current);
					view.fields = view.fields.filter((f) => f.name !== field).concat(current);
				}
				throw err;
			}
			this.#edits.saved(field, value);
		});
		this.refresh();
		return ok;
	}

	async decide(decision: 'go' | 'no-go', note: string): Promise<boolean> {
		const run = this.run;
		const ok = run ? await this.#guard(() => runApi.decide(run.id, decision, note)) : false;
		await this.reload();
		return ok;
	}

	async signOff(): Promise<boolean> {
		const run = this.run;
		const ok = run ? await this.#guard(() => runApi.signOff(run.id)) : false;
		await this.reload();
		return ok;
	}

	async signIn(token: string, name: string): Promise<boolean> {
		const ok = await this.#guard(async () => {
			await runApi.signIn(token, name);
			await this.#loadIdentity();
			this.announce(`Signed in as ${this.session.name}.`);
		});
		return ok;
	}

	async signOut(): Promise<void> {
		await this.#guard(async () => {
			await runApi.signOut();
			await this.#loadIdentity();
			this.announce('Signed out.');
		});
	}

	/**
	 * Runs an action; a failure becomes an `error` event with the server's message, a success
	 * an `ok` event (so an error shown from an earlier attempt clears).
	 */
	async #guard(action: () => Promise<unknown>): Promise<boolean> {
		try {
			await action();
			this.dispatchEvent(new Event('ok'));
			this.emit();
			return true;
		} catch (err) {
			const e = err as ApiError;
			// A session that expired or a run signed off elsewhere: show the truth, then say why.
			if (e.status === 401) await this.#loadIdentity().catch(() => {});
			if (e.status === 409) this.refresh(0);
			this.dispatchEvent(new CustomEvent('error', { detail: e.message }));
			this.emit();
			return false;
		}
	}

	/** Re-reads the current run (debounced): progress and go / no-go are computed by the server. */
	refresh(delayMs = 150): void {
		const r = this.#refresh;
		clearTimeout(r.timer);
		r.timer = setTimeout(() => void this.reload(), delayMs);
	}

	/** Re-reads the current run now; reads never overlap (serial-reads.ts), so the answer is never older than the call. */
	readonly reload = serialReads(async () => {
		const run = this.run;
		if (!run) return;
		try {
			const view = await runApi.view(run.id);
			// Read before the last live event was written: showing it would step back; read again.
			if (this.run?.id === view.run.id && view.revision < (this.#stream?.lastEventId ?? 0)) return void this.refresh();
			if (this.run?.id === view.run.id) {
				this.#edits.loaded(view.fields);
				this.#setRun((this.view = view).run);
			}
			this.emit();
		} catch {
			// The next event or refresh tries again; the connection indicator tells the reader.
		}
	});

	/** Keeps the run list in step with the run shown (its decision and sign-off label it). */
	#setRun(run: Run): void {
		this.runs = this.runs.map((r) => (r.id === run.id ? run : r));
	}

	/** Follows the current run live (run-stream.ts); a reconnection re-reads what it may have missed. */
	#follow(): void {
		this.#stream?.close();
		this.#stream = null;
		clearTimeout(this.#refresh.timer);
		const view = this.view;
		if (!view) {
			this.connection = 'offline';
			return;
		}
		const runId = view.run.id;
		this.#stream = new RunStream(runId, view.revision, {
			connection: (state) => {
				this.connection = state;
				this.emit();
			},
			reconnected: () => this.refresh(0),
			event: (action, entry) => this.#onEvent(runId, action, entry),
			snapshot: (snapshot) => this.#onSnapshot(runId, snapshot),
		});
	}

	/** A whole view from the stream (this page was far behind): shown as it is, no re-read needed. */
	#onSnapshot(runId: string, view: RunView): void {
		if (this.view?.run.id !== runId || view.run.id !== runId || view.revision < this.view.revision) return;
		this.#edits.loaded(view.fields);
		this.#setRun((this.view = view).run);
		rememberRehearsal(view);
		this.emit();
	}

	#onEvent(runId: string, action: string, entry: RunEvent): void {
		const view = this.view;
		if (!view || view.run.id !== runId) return;
		applyEvent(view, entry);
		if (entry.data?.run) this.#setRun(view.run);
		const said = announcement(action, entry, {
			view,
			me: this.session.name,
			checkTitle: (id) => this.check(id)?.title,
		});
		if (said) this.announce(said);
		this.emit();
		this.refresh();
	}
}

/** The page's one store. */
export const store = new RunStore();
