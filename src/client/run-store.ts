// The browser side of a checklist run: one store per page, shared by the run bar and every item
// widget. It talks to /api only (JSON, same origin), follows the run live over Server-Sent
// Events and tells its widgets when to re-render. No framework: an EventTarget and fetch.
import type { RunView } from '../server/runs.ts';
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
	constructor(status: number, message: string) {
		super(message);
		this.status = status;
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
	if (!res.ok) throw new ApiError(res.status, data.error ?? `the server answered ${res.status}`);
	return data;
}

const runEvents = ['run.start', 'check.start', 'check.result', 'check.interrupted', 'item.tick', 'item.untick', 'field.set', 'run.decide', 'run.approve', 'run.sign-off'];

const storageKey = 'handbook:environment';

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

	/** Where a check item stands: the server's computed state, `running` as soon as it is. */
	state(itemId: string, checkId: string): DisplayState {
		if (!this.view) return 'no-run';
		const results = this.results(checkId);
		if (this.requested.has(checkId) || results.some((r) => r.state === 'running')) return 'running';
		const item = this.view.progress.items.find((i) => i.id === itemId);
		const state = item?.state ?? 'not-run';
		if (state === 'done') return results.length > 0 && results.every((r) => r.status === 'skipped') ? 'skipped' : 'pass';
		return state === 'open' ? 'not-run' : (state as DisplayState);
	}

	emit(): void {
		this.dispatchEvent(new Event('change'));
	}

	announce(text: string): void {
		this.dispatchEvent(new CustomEvent('announce', { detail: text }));
	}

	/** Loads session, catalogue, runs and the current run of a checklist page. */
	async start(checklist: string): Promise<void> {
		this.checklist = checklist;
		setInterval(() => this.dispatchEvent(new Event('clock')), 15_000);
		// Staleness is computed by the server and runs started elsewhere have no event here: catch
		// up once a minute while the page is seen, and whenever the reader comes back to the tab.
		const catchUp = () => {
			if (document.visibilityState !== 'visible' || !this.loaded || this.failure) return;
			this.#loadRuns().then(() => this.emit(), () => {});
			this.refresh(0);
		};
		setInterval(catchUp, 60_000);
		document.addEventListener('visibilitychange', catchUp);
		try {
			await this.#loadIdentity();
			const query = new URLSearchParams(location.search);
			const wanted = query.get('run');
			const envs = this.catalogue!.environments.map((e) => e.id);
			const remembered = localStorage.getItem(storageKey);
			this.environment = [query.get('env'), remembered].find((e): e is string => !!e && envs.includes(e)) ?? this.catalogue!.defaultEnvironment;
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
		this.runs = (await api<{ runs: Run[] }>(`/api/runs?${q}`)).runs;
	}

	#show(view: RunView | null): void {
		const changed = view?.run.id !== this.view?.run.id;
		this.view = view;
		rememberRehearsal(view);
		if (!changed) return;
		const url = new URL(location.href);
		if (view) url.searchParams.set('run', view.run.id);
		else url.searchParams.delete('run');
		history.replaceState(history.state, '', url);
		this.#follow();
	}

	async selectEnvironment(environment: string): Promise<void> {
		this.environment = environment;
		localStorage.setItem(storageKey, environment);
		await this.#guard(async () => {
			await this.#loadRuns();
			this.#show(this.runs[0] ? await api<RunView>(`/api/runs/${encodeURIComponent(this.runs[0].id)}`) : null);
		});
	}

	async selectRun(runId: string): Promise<void> {
		await this.#guard(async () => this.#show(await api<RunView>(`/api/runs/${encodeURIComponent(runId)}`)));
	}

	async startRun(workshop: string, scenario?: string): Promise<void> {
		await this.#guard(async () => {
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

	/** Runs the given checks, a few at a time, as the server would for a headless run. */
	async runAll(checkIds: string[], onProgress: (done: number) => void, concurrency = 4): Promise<void> {
		const queue = checkIds.filter((id) => this.canRun(id));
		let done = 0;
		const worker = async () => {
			for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
				await this.runCheck(id);
				onProgress(++done);
			}
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
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

	async setField(itemId: string, field: string, value: string): Promise<boolean> {
		const view = this.view;
		if (!view) return false;
		const ok = await this.#guard(() => api(`/api/runs/${encodeURIComponent(view.run.id)}/items/${encodeURIComponent(itemId)}`, { field, value }));
		this.refresh();
		return ok;
	}

	async decide(decision: 'go' | 'no-go', note: string): Promise<void> {
		const run = this.run;
		if (run) await this.#guard(() => api(`/api/runs/${encodeURIComponent(run.id)}/decision`, { decision, ...(note.trim() ? { note } : {}) }));
		this.refresh(0);
	}

	async signOff(): Promise<void> {
		const run = this.run;
		if (run) await this.#guard(() => api(`/api/runs/${encodeURIComponent(run.id)}/sign-off`, {}));
		this.refresh(0);
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

	/** Runs an action; a failure becomes an `error` event with the server's message. */
	async #guard(action: () => Promise<unknown>): Promise<boolean> {
		try {
			await action();
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
				if (this.run?.id === view.run.id) this.#setRun((this.view = view).run);
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
		for (const name of runEvents) source.addEventListener(name, (e) => this.#onEvent(runId, name, e as MessageEvent<string>));
	}

	#onEvent(runId: string, action: string, event: MessageEvent<string>): void {
		const view = this.view;
		if (!view || view.run.id !== runId) return;
		this.#lastEventId = Math.max(this.#lastEventId, Number(event.lastEventId) || 0);
		const entry = JSON.parse(event.data) as { actor: string; target: string | null; data?: { results?: StoredResult[]; tick?: RunView['ticks'][number]; field?: RunView['fields'][number]; run?: Run } };
		const data = entry.data ?? {};
		if (data.results && entry.target) view.results = view.results.filter((r) => r.checkId !== entry.target).concat(data.results);
		if (data.tick) this.#upsertTick(data.tick);
		if (data.field) view.fields = view.fields.filter((f) => f.name !== data.field!.name).concat(data.field);
		if (data.run) this.#setRun((view.run = data.run));
		const mine = entry.actor === this.session.name;
		if (action === 'check.result' && data.results?.length) {
			const worst = data.results.map((r) => r.status).join(', ');
			this.announce(`${this.check(entry.target ?? '')?.title ?? entry.target}: ${worst}.`);
		} else if (!mine && (action === 'item.tick' || action === 'item.untick')) {
			const text = document.querySelector(`[data-item-id="${CSS.escape(entry.target ?? '')}"] .hb-item__text`)?.textContent?.trim();
			this.announce(`${entry.actor} ${action === 'item.tick' ? 'ticked' : 'unticked'}: ${text ?? entry.target}.`);
		} else if (!mine && action === 'field.set') this.announce(`${entry.actor} recorded ${entry.target}.`);
		else if (action === 'run.decide') this.announce(`Decision recorded: ${data.run?.decision ?? entry.target} by ${entry.actor}.`);
		else if (action === 'run.approve') this.announce(`${entry.actor} approved the sign-off; another approver is needed.`);
		else if (action === 'run.sign-off') this.announce(`Signed off by ${entry.actor}. The run is frozen.`);
		this.emit();
		this.refresh();
	}
}

/** The page's one store. */
export const store = new RunStore();
