// The browser side of a checklist run: one store per page, shared by the run bar and every item
// widget. It talks to /api only (JSON, same origin), follows the run live over Server-Sent
// Events and tells its widgets when to re-render. No framework: an EventTarget and fetch.
import type { RunView } from '../server/runs.ts';
import { runEventNames, type RunEvent } from '../server/run-event.ts';
import type { Run, StoredResult } from '../store/store.ts';
import type { DisplayState } from './format.ts';

export interface CatalogueCheck {
	id: string;
	title: string;
	access: 'public' | 'facilitator';
	perRegion: boolean;
	runbook: string;
	canRun: boolean;
	maxAgeMinutes: number;
}

export interface Catalogue {
	defaultEnvironment: string;
	environments: Array<{ id: string; title: string }>;
	checks: CatalogueCheck[];
}

export type Connection = 'offline' | 'connecting' | 'live' | 'reconnecting';

/** An API answer that was not 2xx, with the server's own message. */
export class ApiError extends Error {
	readonly status: number;
	/** The answer's JSON body (e.g. a 409's `current` value). */
	readonly body: Record<string, unknown> | undefined;
	constructor(status: number, message: string, body?: Record<string, unknown>) {
		super(message);
		this.status = status;
		this.body = body;
	}
}

/**
 * Tells the rehearsal banner (RehearsalBanner.astro, on every page) about a rehearsal run this
 * browser is in, until it is signed off.
 */
function rememberRehearsal(view: RunView | null): void {
	const key = 'handbook-rehearsal';
	try {
		const current = JSON.parse(localStorage.getItem(key) ?? 'null') as { run: string } | null;
		if (view?.run.scenario && !view.run.signedOffAt) {
			localStorage.setItem(key, JSON.stringify({ run: view.run.id, scenario: view.run.scenario, page: location.pathname }));
		} else if (view && current?.run === view.run.id) localStorage.removeItem(key);
	} catch {
		// Storage may be off: the banner is a courtesy, the run works without it.
	}
}

/** GET or POST JSON to the handbook's API; a POST always carries a JSON body (origin + JSON = no CSRF). */
export async function api<T>(path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
	let res: Response;
	try {
		res = await fetch(path, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			credentials: 'same-origin',
			cache: 'no-store',
		});
	} catch {
		throw new ApiError(0, 'the handbook server cannot be reached');
	}
	const data = (await res.json().catch(() => ({}))) as T & { error?: string };
	if (!res.ok) throw new ApiError(res.status, data.error ?? `the server answered ${res.status}`, data as Record<string, unknown>);
	return data;
}

const storageKey = 'handbook:environment';

/** Storage may be off (private windows, policies): the page works without remembering. */
function remembered(key: string): string | null {
	try {
		return localStorage.getItem(key);
	} catch {
		return null;
	}
}

function remember(key: string, value: string): void {
	try {
		localStorage.setItem(key, value);
	} catch {
		// Not remembered: the next visit starts from the page's default again.
	}
}

/** A field changed by someone else since this page loaded it: what it holds now. */
export interface FieldConflict {
	name: string;
	value: string;
	by: string;
	at: string;
}

/**
 * State of the run shown on this page. Emits `change` after every update, `announce` (detail:
 * text) for changes worth saying aloud, and `clock` every 15 s so ages stay current.
 */
export class RunStore extends EventTarget {
	checklist = '';
	session: { facilitator: boolean; name: string | null } = { facilitator: false, name: null };
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
	defaults: { environment: string; workshop: string } | null = null;
	/** A newer run of this checklist someone else started while this page shows another one. */
	newerRun: Run | null = null;
	/** Fields whose save was refused because someone changed them first, by name. */
	readonly conflicts = new Map<string, FieldConflict>();
	/** Field values as this page last loaded them: a save says which value it replaces. */
	readonly #loadedFields = new Map<string, string>();
	/** Fields being edited here, with the value shown when the editing began. */
	readonly #editing = new Map<string, string>();
	#timers: Array<ReturnType<typeof setInterval>> = [];
	#source: EventSource | null = null;
	#lastEventId = 0;
	#retry = 0;
	#refresh: { timer?: ReturnType<typeof setTimeout> } = {};
	#reading: Promise<void> = Promise.resolve();
	#queued: Promise<void> | null = null;

	get run(): Run | null {
		return this.view?.run ?? null;
	}

	get frozen(): boolean {
		return Boolean(this.view?.run.signedOffAt);
	}

	/** Whether this reader may change the run (tick, record, decide, sign off). */
	get canEdit(): boolean {
		return this.session.facilitator && this.view !== null && !this.frozen;
	}

	check(id: string): CatalogueCheck | undefined {
		return this.catalogue?.checks.find((c) => c.id === id);
	}

	/** Whether this reader may run a check in the current run. */
	canRun(checkId: string): boolean {
		return this.view !== null && !this.frozen && this.check(checkId)?.canRun === true;
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
		this.#timers.push(setInterval(() => this.dispatchEvent(new Event('clock')), 15_000));
		// Staleness is computed by the server; runs started elsewhere have no event on this run's
		// stream: look for them every 10 s while the page is seen, and when the reader comes back.
		const catchUp = () => {
			if (document.visibilityState !== 'visible' || !this.loaded || this.failure) return;
			this.#loadRuns().then(() => this.emit(), () => {});
		};
		this.#timers.push(setInterval(catchUp, 10_000));
		this.#timers.push(setInterval(() => document.visibilityState === 'visible' && this.loaded && this.refresh(0), 60_000));
		document.addEventListener('visibilitychange', catchUp);
		try {
			await this.#loadIdentity();
			const query = new URLSearchParams(location.search);
			const wanted = query.get('run');
			const envs = this.catalogue!.environments.map((e) => e.id);
			this.environment = [query.get('env'), ownEnvironment, remembered(storageKey)].find((e): e is string => !!e && envs.includes(e)) ?? this.catalogue!.defaultEnvironment;
			let view: RunView | null = null;
			if (wanted) view = await api<RunView>(`/api/runs/${encodeURIComponent(wanted)}`).catch(() => null);
			if (view && view.checklist.id !== checklist) view = null;
			if (view) this.environment = view.run.environment;
			await this.#loadRuns();
			if (!view && this.runs[0]) view = await api<RunView>(`/api/runs/${encodeURIComponent(this.runs[0].id)}`);
			this.#show(view);
		} catch (err) {
			this.failure = `Live checklist unavailable: ${(err as Error).message}.`;
		}
		this.loaded = true;
		this.emit();
	}

	async #loadIdentity(): Promise<void> {
		[this.session, this.catalogue] = await Promise.all([api<RunStore['session']>('/api/session'), api<Catalogue>('/api/checks')]);
	}

	async #loadRuns(): Promise<void> {
		const q = new URLSearchParams({ checklist: this.checklist, environment: this.environment });
		const { runs, defaults } = await api<{ runs: Run[]; defaults?: RunStore['defaults'] }>(`/api/runs?${q}`);
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
		for (const t of this.#timers) clearInterval(t);
		this.#timers = [];
		this.#source?.close();
		this.#source = null;
		clearTimeout(this.#refresh.timer);
	}

	#show(view: RunView | null): void {
		const changed = view?.run.id !== this.view?.run.id;
		this.view = view;
		rememberRehearsal(view);
		if (!changed) return;
		if (this.newerRun && view?.run.id === this.newerRun.id) this.newerRun = null;
		this.conflicts.clear();
		this.#loadedFields.clear();
		this.#editing.clear();
		for (const f of view?.fields ?? []) this.#loadedFields.set(f.name, f.value);
		const url = new URL(location.href);
		if (view) url.searchParams.set('run', view.run.id);
		else url.searchParams.delete('run');
		history.replaceState(history.state, '', url);
		this.#follow();
	}

	async selectEnvironment(environment: string): Promise<void> {
		this.environment = environment;
		remember(storageKey, environment);
		this.newerRun = null;
		await this.#guard(async () => {
			await this.#loadRuns();
			this.#show(this.runs[0] ? await api<RunView>(`/api/runs/${encodeURIComponent(this.runs[0].id)}`) : null);
		});
	}

	async selectRun(runId: string): Promise<void> {
		await this.#guard(async () => this.#show(await api<RunView>(`/api/runs/${encodeURIComponent(runId)}`)));
	}

	/** Starts a run (the workshop left out: the server's default, the next workshop). Resolves true once shown. */
	async startRun(workshop: string, scenario?: string): Promise<boolean> {
		return this.#guard(async () => {
			const { run } = await api<{ run: Run }>('/api/runs', { checklist: this.checklist, environment: this.environment, ...(workshop ? { workshop } : {}), ...(scenario ? { scenario } : {}) });
			this.runs.unshift(run);
			this.#show(await api<RunView>(`/api/runs/${encodeURIComponent(run.id)}`));
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
			await this.#guard(() => api(`/api/runs/${encodeURIComponent(run.id)}/checks/${encodeURIComponent(checkId)}`, {}));
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
			const { runAll } = await api<{ runAll: RunView['runAll'] }>(`/api/runs/${encodeURIComponent(run.id)}/run-all`, {});
			if (this.view?.run.id === run.id && runAll && (!this.view.runAll || this.view.runAll.startedAt <= runAll.startedAt)) this.view.runAll = runAll;
		});
	}

	async tick(itemId: string, checked: boolean): Promise<void> {
		const view = this.view;
		if (!view) return;
		const before = view.ticks.find((t) => t.itemId === itemId);
		this.#upsertTick({ itemId, checked, by: this.session.name ?? 'you', at: new Date().toISOString() });
		this.emit();
		const ok = await this.#guard(() => api(`/api/runs/${encodeURIComponent(view.run.id)}/items/${encodeURIComponent(itemId)}`, { checked }));
		if (!ok) {
			view.ticks = view.ticks.filter((t) => t.itemId !== itemId).concat(before ? [before] : []);
			this.emit();
		}
		this.refresh();
	}

	/** The reader starts editing a field: what it shows now is the value a save replaces. */
	beginEdit(field: string): void {
		if (!this.#editing.has(field)) this.#editing.set(field, this.#loadedFields.get(field) ?? '');
	}

	/** The reader left the field without changing it: a later edit starts from what it shows then. */
	endEdit(field: string): void {
		this.#editing.delete(field);
	}

	/**
	 * Records a field, saying which value it replaces (the one shown when the editing began):
	 * when someone else changed it meanwhile, nothing is overwritten and `conflicts` holds what
	 * it says now.
	 */
	async setField(itemId: string, field: string, value: string): Promise<boolean> {
		const view = this.view;
		if (!view) return false;
		const expected = this.#editing.get(field) ?? this.#loadedFields.get(field) ?? '';
		this.#editing.delete(field);
		const ok = await this.#guard(async () => {
			try {
				await api(`/api/runs/${encodeURIComponent(view.run.id)}/items/${encodeURIComponent(itemId)}`, { field, value, expected });
			} catch (err) {
				const current = (err as ApiError).body?.current as FieldConflict | undefined;
				if ((err as ApiError).status === 409 && current) {
					this.conflicts.set(field, current);
					this.#loadedFields.set(field, current.value);
					view.fields = view.fields.filter((f) => f.name !== field).concat(current);
				}
				throw err;
			}
			this.conflicts.delete(field);
			this.#loadedFields.set(field, value);
		});
		this.refresh();
		return ok;
	}

	async decide(decision: 'go' | 'no-go', note: string): Promise<boolean> {
		const run = this.run;
		const ok = run ? await this.#guard(() => api(`/api/runs/${encodeURIComponent(run.id)}/decision`, { decision, ...(note.trim() ? { note } : {}) })) : false;
		await this.reload();
		return ok;
	}

	async signOff(): Promise<boolean> {
		const run = this.run;
		const ok = run ? await this.#guard(() => api(`/api/runs/${encodeURIComponent(run.id)}/sign-off`, {})) : false;
		await this.reload();
		return ok;
	}

	async signIn(token: string, name: string): Promise<boolean> {
		const ok = await this.#guard(async () => {
			await api('/api/session', { token, ...(name.trim() ? { name: name.trim() } : {}) });
			await this.#loadIdentity();
			this.announce(`Signed in as ${this.session.name}.`);
		});
		return ok;
	}

	async signOut(): Promise<void> {
		await this.#guard(async () => {
			await api('/api/session', undefined, 'DELETE');
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

	/**
	 * Re-reads the current run now. Reads never overlap: a call made while one is in flight
	 * queues one more (shared by every caller until it starts), so the answer is never older
	 * than the call.
	 */
	reload(): Promise<void> {
		if (this.#queued) return this.#queued;
		const next = this.#reading.then(async () => {
			this.#queued = null;
			const run = this.run;
			if (!run) return;
			try {
				const view = await api<RunView>(`/api/runs/${encodeURIComponent(run.id)}`);
				// Read before the last live event was written: showing it would step back; read again.
				if (this.run?.id === view.run.id && view.revision < this.#lastEventId) return void this.refresh();
				if (this.run?.id === view.run.id) {
					// Values nobody changed since the last load are the new baseline of a save.
					for (const f of view.fields) if (!this.conflicts.has(f.name)) this.#loadedFields.set(f.name, f.value);
					this.#setRun((this.view = view).run);
				}
				this.emit();
			} catch {
				// The next event or refresh tries again; the connection indicator tells the reader.
			}
		});
		this.#queued = next;
		this.#reading = next;
		return next;
	}

	/** Keeps the run list in step with the run shown (its decision and sign-off label it). */
	#setRun(run: Run): void {
		this.runs = this.runs.map((r) => (r.id === run.id ? run : r));
	}

	#upsertTick(tick: RunView['ticks'][number]): void {
		if (!this.view) return;
		this.view.ticks = this.view.ticks.filter((t) => t.itemId !== tick.itemId).concat(tick);
	}

	/** Follows the current run over SSE; reconnects with the last event id after any drop. */
	#follow(): void {
		this.#source?.close();
		this.#source = null;
		clearTimeout(this.#refresh.timer);
		const view = this.view;
		if (!view) {
			this.connection = 'offline';
			return;
		}
		this.#lastEventId = view.revision;
		this.#connect(view.run.id);
	}

	#connect(runId: string): void {
		const source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events?after=${this.#lastEventId}`);
		this.#source = source;
		this.connection = this.#retry ? 'reconnecting' : 'connecting';
		source.onopen = () => {
			if (this.#retry || this.connection === 'reconnecting') this.refresh(0);
			this.#retry = 0;
			this.connection = 'live';
			this.emit();
		};
		source.onerror = () => {
			if (this.#source !== source) return;
			this.connection = 'reconnecting';
			// The browser retries by itself unless the stream was refused; then back off and open anew.
			if (source.readyState === EventSource.CLOSED) {
				source.close();
				const delay = Math.min(30_000, 1000 * 2 ** this.#retry++);
				setTimeout(() => this.#source === source && this.#connect(runId), delay);
			}
			this.emit();
		};
		for (const name of runEventNames) source.addEventListener(name, (e) => this.#onEvent(runId, name, e as MessageEvent<string>));
	}

	#onEvent(runId: string, action: string, event: MessageEvent<string>): void {
		const view = this.view;
		if (!view || view.run.id !== runId) return;
		this.#lastEventId = Math.max(this.#lastEventId, Number(event.lastEventId) || 0);
		const entry = JSON.parse(event.data) as RunEvent;
		const data: Partial<NonNullable<RunEvent['data']>> = entry.data ?? {};
		if (data.results && entry.target) view.results = view.results.filter((r) => r.checkId !== entry.target).concat(data.results);
		if (data.tick) this.#upsertTick(data.tick);
		if (data.field) view.fields = view.fields.filter((f) => f.name !== data.field!.name).concat(data.field);
		if (data.run) this.#setRun((view.run = data.run));
		// The server's own progress and job state: the page shows them as they are.
		if (data.progress) view.progress = data.progress;
		if (data.runAll !== undefined) view.runAll = data.runAll;
		const mine = entry.actor === this.session.name;
		if (action === 'check.result' && data.results?.length) {
			const worst = data.results.map((r) => r.status).join(', ');
			this.announce(`${this.check(entry.target ?? '')?.title ?? entry.target}: ${worst}.`);
		} else if (!mine && (action === 'item.tick' || action === 'item.untick')) {
			const text = document.querySelector(`[data-item-id="${CSS.escape(entry.target ?? '')}"] .hb-item__text`)?.textContent?.trim();
			this.announce(`${entry.actor} ${action === 'item.tick' ? 'ticked' : 'unticked'}: ${text ?? entry.target}.`);
		} else if (!mine && action === 'field.set') this.announce(`${entry.actor} recorded ${entry.target}.`);
		else if (action === 'run-all.finish' && view.progress) this.announce(`Run all finished: ${view.progress.done} of ${view.progress.total} items done; ${view.progress.recommendation === 'go' ? 'computed go' : `computed ${view.progress.recommendation}`}.`);
		else if (action === 'run-all.interrupted') this.announce('Run all was interrupted: the handbook stopped. The checks it did not finish show as interrupted.');
		else if (action === 'run.decide') this.announce(`Decision recorded: ${data.run?.decision ?? entry.target} by ${entry.actor}.`);
		else if (action === 'run.sign-off') this.announce(`Signed off by ${entry.actor}. The run is frozen.`);
		this.emit();
		this.refresh();
	}
}

/** The page's one store. */
export const store = new RunStore();
