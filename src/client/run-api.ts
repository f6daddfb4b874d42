// The run endpoints of the handbook's API as the browser calls them: paths, bodies and answer
// types in one place, so the store (run-store.ts) holds state only.
import type { RunView } from '../server/runs.ts';
import type { Run } from '../store/store.ts';
import { api } from './api.ts';

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

export interface Session {
	/** Signed in at all (the server checks each role; the page uses `roles` to say what is whose). */
	facilitator: boolean;
	name: string | null;
	/** The roles the person holds (src/server/roles.ts): facilitator, on-call, approver. */
	roles?: string[];
}

/** What a new run gets unless told otherwise (the server's: the page's environment, the next workshop). */
export interface RunDefaults {
	environment: string;
	workshop: string;
}

const runPath = (runId: string, rest = '') => `/api/runs/${encodeURIComponent(runId)}${rest}`;

export const runApi = {
	session: () => api<Session>('/api/session'),
	signIn: (token: string, name: string) => api('/api/session', { token, ...(name.trim() ? { name: name.trim() } : {}) }),
	signOut: () => api('/api/session', undefined, 'DELETE'),
	catalogue: () => api<Catalogue>('/api/checks'),
	runs: (checklist: string, environment: string) => api<{ runs: Run[]; defaults?: RunDefaults }>(`/api/runs?${new URLSearchParams({ checklist, environment })}`),
	view: (runId: string) => api<RunView>(runPath(runId)),
	start: (body: { checklist: string; environment: string; workshop?: string; scenario?: string }) => api<{ run: Run }>('/api/runs', body),
	runCheck: (runId: string, checkId: string) => api(runPath(runId, `/checks/${encodeURIComponent(checkId)}`), {}),
	runAll: (runId: string) => api<{ runAll: RunView['runAll'] }>(runPath(runId, '/run-all'), {}),
	tick: (runId: string, itemId: string, checked: boolean) => api(runPath(runId, `/items/${encodeURIComponent(itemId)}`), { checked }),
	setField: (runId: string, itemId: string, body: { field: string; value: string; expected: string }) => api(runPath(runId, `/items/${encodeURIComponent(itemId)}`), body),
	decide: (runId: string, decision: 'go' | 'no-go', note: string) => api(runPath(runId, '/decision'), { decision, ...(note.trim() ? { note } : {}) }),
	signOff: (runId: string) => api(runPath(runId, '/sign-off'), {}),
};
