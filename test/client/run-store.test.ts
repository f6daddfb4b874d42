import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The browser side of a run, in Node with the few browser objects it touches stood in for: fetch
// answers from a table, EventSource is driven by the test, storage is a Map.
type Answer = { status?: number; body: unknown };
let answers: Map<string, Answer | ((init?: RequestInit) => Answer)>;
let requests: Array<{ url: string; body: unknown }>;
let sources: FakeSource[];

class FakeSource {
	static readonly CLOSED = 2;
	readyState = 1;
	url: string;
	onopen: (() => void) | null = null;
	onerror: (() => void) | null = null;
	#listeners = new Map<string, Array<(e: MessageEvent<string>) => void>>();
	constructor(url: string) {
		this.url = url;
		sources.push(this);
	}
	addEventListener(name: string, listener: (e: MessageEvent<string>) => void) {
		this.#listeners.set(name, [...(this.#listeners.get(name) ?? []), listener]);
	}
	emit(name: string, id: number, data: unknown) {
		for (const l of this.#listeners.get(name) ?? []) l({ data: JSON.stringify(data), lastEventId: String(id) } as MessageEvent<string>);
	}
	close() {
		this.readyState = FakeSource.CLOSED;
	}
}

const storage = new Map<string, string>();
/** Set to make every storage access throw, as a browser with storage turned off does. */
let storageOff = false;
const guardedStorage = <T>(fn: () => T): T => {
	if (storageOff) throw new DOMException('The operation is insecure.', 'SecurityError');
	return fn();
};
Object.assign(globalThis, {
	EventSource: FakeSource,
	localStorage: {
		getItem: (k: string) => guardedStorage(() => storage.get(k) ?? null),
		setItem: (k: string, v: string) => guardedStorage(() => void storage.set(k, v)),
		removeItem: (k: string) => guardedStorage(() => void storage.delete(k)),
	},
	history: { state: null, replaceState: () => {} },
	document: { visibilityState: 'visible', addEventListener: () => {}, removeEventListener: () => {}, querySelector: () => null },
	location: new URL('http://handbook.test/checklists/launch/'),
	CSS: { escape: (s: string) => s },
	fetch: async (url: string, init?: RequestInit) => {
		const path = String(url);
		requests.push({ url: path, body: init?.body ? JSON.parse(String(init.body)) : undefined });
		const found = answers.get(`${init?.method ?? 'GET'} ${path.split('?')[0]}`);
		const answer = typeof found === 'function' ? found(init) : (found ?? { status: 404, body: { error: `no answer for ${path}` } });
		return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200 });
	},
});
const { RunStore } = await import('../../src/client/run-store.ts');

const progress = (states: Record<string, string>, recommendation = 'no-go') => ({
	total: 2,
	done: 0,
	counts: { done: 0, warnings: 0, failing: 0, notRun: 0, open: 0, skipped: 1 },
	skippedNote: '1 skipped: not defined for local',
	blockers: [],
	warnings: [],
	skipped: [],
	items: Object.entries(states).map(([id, state]) => ({ id, text: id, checkId: id === 'note' ? null : id, state, reason: null })),
	recommendation,
});
const run = { id: 'run1', checklist: 'launch', environment: 'content-pipeline', workshop: '2026-12', scenario: null, createdAt: '2026-11-29T09:00:00Z', createdBy: 'ana', decision: null, signedOffAt: null };
const view = (over: Record<string, unknown> = {}) => ({ run, results: [], ticks: [], fields: [{ name: 'owner', value: 'ana', by: 'ana', at: '2026-11-29T09:01:00Z' }], revision: 10, checklist: { id: 'launch' }, progress: progress({ pipeline: 'skipped', note: 'open' }), runAll: null, ...over });

beforeEach(() => {
	requests = [];
	sources = [];
	storage.clear();
	storageOff = false;
	answers = new Map<string, Answer | ((init?: RequestInit) => Answer)>([
		['GET /api/session', { body: { facilitator: true, name: 'ana' } }],
		['GET /api/checks', { body: { defaultEnvironment: 'local', environments: [{ id: 'local', title: 'Local' }, { id: 'content-pipeline', title: 'Pipeline' }], checks: [] } }],
		['GET /api/runs', { body: { runs: [run], defaults: { environment: 'content-pipeline', workshop: '2026-12' } } }],
		['GET /api/runs/run1', { body: view() }],
	]);
});

let store: InstanceType<typeof RunStore>;
afterEach(() => store?.stop());

async function started(): Promise<InstanceType<typeof RunStore>> {
	store = new RunStore();
	await store.start('launch', 'content-pipeline');
	return store;
}

describe('RunStore', () => {
	it('starts in the page’s own environment, over the one remembered from another page', async () => {
		storage.set('handbook:environment', 'local');
		const s = await started();
		expect(s.environment).toBe('content-pipeline');
		expect(requests.find((r) => r.url.startsWith('/api/runs?'))!.url).toContain('environment=content-pipeline');
		expect(s.defaults).toEqual({ environment: 'content-pipeline', workshop: '2026-12' });
	});

	it('shows the state the server computed, skipped as skipped', async () => {
		const s = await started();
		expect(s.state('pipeline')).toBe('skipped');
		expect(s.state('note')).toBe('open');
		expect(s.state('unknown')).toBe('not-run');
	});

	it('takes progress and the run-all job from live events, and ignores a read older than them', async () => {
		const s = await started();
		const source = sources.at(-1)!;
		source.emit('check.result', 12, { actor: 'ana', target: 'pipeline', data: { results: [], progress: progress({ pipeline: 'fail', note: 'open' }), runAll: { state: 'running', checks: ['pipeline'], done: 0, startedAt: '', startedBy: 'ana', finishedAt: null } } });
		expect(s.state('pipeline')).toBe('fail');
		expect(s.view!.runAll!.state).toBe('running');
		// A read answered from before event 12 would step the page back: it is not shown.
		await s.reload();
		expect(s.state('pipeline')).toBe('fail');
		answers.set('GET /api/runs/run1', { body: view({ revision: 12, progress: progress({ pipeline: 'pass', note: 'open' }) }) });
		await s.reload();
		expect(s.state('pipeline')).toBe('pass');
	});

	it('saves a field with the value shown when the editing began, and keeps what someone else wrote on a 409', async () => {
		const s = await started();
		s.beginEdit('owner');
		answers.set('POST /api/runs/run1/items/note', { status: 409, body: { error: 'bo changed this value', current: { name: 'owner', value: 'bo', by: 'bo', at: '2026-11-29T09:05:00Z' } } });
		const errors: string[] = [];
		s.addEventListener('error', (e) => errors.push((e as CustomEvent<string>).detail));
		expect(await s.setField('note', 'owner', 'cy')).toBe(false);
		expect(requests.at(-1)!.body).toEqual({ field: 'owner', value: 'cy', expected: 'ana' });
		expect(s.conflicts.get('owner')).toMatchObject({ value: 'bo', by: 'bo' });
		expect(s.view!.fields.find((f) => f.name === 'owner')!.value).toBe('bo');
		expect(errors).toEqual(['bo changed this value']);
		// Having seen Bo's value, the next save replaces it knowingly.
		answers.set('POST /api/runs/run1/items/note', { body: { field: { name: 'owner', value: 'cy' } } });
		expect(await s.setField('note', 'owner', 'cy')).toBe(true);
		expect(requests.filter((r) => r.url.endsWith('/items/note')).at(-1)!.body).toEqual({ field: 'owner', value: 'cy', expected: 'bo' });
		expect(s.conflicts.has('owner')).toBe(false);
	});

	it('asks the server to run all, and reports success so a stale error clears', async () => {
		const s = await started();
		let oks = 0;
		s.addEventListener('ok', () => oks++);
		answers.set('POST /api/runs/run1/run-all', { status: 202, body: { runAll: { state: 'running', checks: ['pipeline'], done: 0, startedAt: '2026-11-29T09:10:00Z', startedBy: 'ana', finishedAt: null }, joined: false } });
		expect(await s.runAll()).toBe(true);
		expect(requests.at(-1)).toEqual({ url: '/api/runs/run1/run-all', body: {} });
		expect(s.view!.runAll!.state).toBe('running');
		expect(oks).toBe(1);
	});

	it('offers a newer run someone else started, found by the page’s catch-up read', async () => {
		vi.useFakeTimers();
		try {
			const s = await started();
			const said: string[] = [];
			s.addEventListener('announce', (e) => said.push((e as CustomEvent<string>).detail));
			const newer = { ...run, id: 'run2', createdBy: 'bo', createdAt: '2026-11-29T10:00:00Z' };
			answers.set('GET /api/runs', { body: { runs: [newer, run] } });
			await vi.advanceTimersByTimeAsync(10_000);
			expect(s.newerRun?.id).toBe('run2');
			expect(s.run!.id).toBe('run1');
			expect(said).toContain('bo started a new run for 2026-12. Switch to it from the run bar.');
			answers.set('GET /api/runs/run2', { body: view({ run: newer }) });
			await s.selectRun('run2');
			expect(s.newerRun).toBeNull();
		} finally {
			vi.useRealTimers();
		}
	});

	it('applies a run.snapshot from the stream as the whole view, without reading the run again', async () => {
		const s = await started();
		const source = sources.at(-1)!;
		expect(source.url).toBe('/api/runs/run1/events?after=10');
		const reads = () => requests.filter((r) => r.url === '/api/runs/run1').length;
		const before = reads();
		const snapshot = view({ revision: 40, progress: progress({ pipeline: 'warn', note: 'open' }), fields: [{ name: 'owner', value: 'bo', by: 'bo', at: '2026-11-29T09:30:00Z' }] });
		let changes = 0;
		s.addEventListener('change', () => changes++);
		source.emit('run.snapshot', 40, snapshot);
		expect(s.state('pipeline')).toBe('warn');
		expect(s.view!.revision).toBe(40);
		expect(changes).toBe(1);
		// A save after the snapshot replaces the value the snapshot showed.
		answers.set('POST /api/runs/run1/items/note', { body: {} });
		expect(await s.setField('note', 'owner', 'cy')).toBe(true);
		expect(requests.find((r) => r.url.endsWith('/items/note'))!.body).toEqual({ field: 'owner', value: 'cy', expected: 'bo' });
		// The snapshot itself caused no read of the run (the save's refresh is debounced and not yet due).
		expect(reads()).toBe(before);
		// A read answered before the snapshot's revision would step the page back: not shown.
		await s.reload();
		expect(s.state('pipeline')).toBe('warn');
	});

	it('ignores a snapshot older than the view it shows, or of another run', async () => {
		const s = await started();
		const source = sources.at(-1)!;
		source.emit('check.result', 20, { actor: 'ana', target: 'pipeline', data: { results: [], progress: progress({ pipeline: 'fail', note: 'open' }), runAll: null } });
		source.emit('run.snapshot', 5, view({ revision: 5, progress: progress({ pipeline: 'pass', note: 'open' }) }));
		expect(s.state('pipeline')).toBe('fail');
		source.emit('run.snapshot', 50, view({ run: { ...run, id: 'other' }, revision: 50, progress: progress({ pipeline: 'pass', note: 'open' }) }));
		expect(s.state('pipeline')).toBe('fail');
		expect(s.run!.id).toBe('run1');
	});

	it('works with storage turned off: nothing remembered, nothing thrown', async () => {
		storageOff = true;
		const s = await started();
		expect(s.failure).toBeNull();
		expect(s.environment).toBe('content-pipeline');
		await s.selectEnvironment('local');
		expect(s.environment).toBe('local');
		storageOff = false;
		expect(storage.has('handbook:environment')).toBe(false);
	});

	it('remembers a rehearsal run for the banner, and forgets it once signed off', async () => {
		const rehearsal = { ...run, scenario: 'restart-loop' };
		answers.set('GET /api/runs', { body: { runs: [rehearsal] } });
		answers.set('GET /api/runs/run1', { body: view({ run: rehearsal }) });
		const s = await started();
		expect(JSON.parse(storage.get('handbook-rehearsal')!)).toMatchObject({ run: 'run1', scenario: 'restart-loop' });
		sources.at(-1)!.emit('run.snapshot', 30, view({ run: { ...rehearsal, signedOffAt: '2026-11-29T10:00:00Z' }, revision: 30 }));
		expect(s.frozen).toBe(true);
		expect(storage.has('handbook-rehearsal')).toBe(false);
	});

	it('reconnects a refused stream after the last event it saw, and re-reads what it missed', async () => {
		vi.useFakeTimers();
		try {
			const s = await started();
			const first = sources.at(-1)!;
			first.emit('item.tick', 14, { actor: 'bo', target: 'note', data: { tick: { itemId: 'note', checked: true, by: 'bo', at: '' }, runAll: null } });
			first.readyState = FakeSource.CLOSED;
			first.onerror!();
			expect(s.connection).toBe('reconnecting');
			await vi.advanceTimersByTimeAsync(1_000);
			const second = sources.at(-1)!;
			expect(second).not.toBe(first);
			expect(second.url).toBe('/api/runs/run1/events?after=14');
			const before = requests.length;
			second.onopen!();
			expect(s.connection).toBe('live');
			await vi.advanceTimersByTimeAsync(10);
			expect(requests.slice(before).some((r) => r.url === '/api/runs/run1')).toBe(true);
			s.stop();
			await vi.advanceTimersByTimeAsync(60_000);
			expect(sources.at(-1)).toBe(second);
		} finally {
			vi.useRealTimers();
		}
	});
});
