import { randomBytes } from 'node:crypto';
import type { SQLInputValue } from 'node:sqlite';
import { NotFoundError, type Store } from './store.ts';

/**
 * The workshop loop's tables in the handbook's SQLite file (migration 2): the room code, help
 * requests, feedback, incidents with their updates, and a change feed per workshop. Every write
 * is one transaction that also appends to `workshop_events`, the feed live boards follow (so a
 * write from the CLI or another process reaches them too), and to the audit log.
 */

export const severities = ['P0', 'P1', 'P2', 'P3'] as const;
export type Severity = (typeof severities)[number];
export const incidentStatuses = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

export interface WorkshopCode {
	workshop: string;
	code: string;
	openedAt: string;
	openedBy: string;
	closesAt: string;
	closedAt: string | null;
	closedBy: string | null;
}

export interface HelpRequest {
	id: string;
	workshop: string;
	github: string;
	workspace: string;
	region: string;
	description: string;
	error: string | null;
	createdAt: string;
	claimedBy: string | null;
	claimedAt: string | null;
	resolvedBy: string | null;
	resolvedAt: string | null;
	resolution: string | null;
	followUp: boolean;
	state: 'open' | 'claimed' | 'resolved';
}

export interface FeedbackResponse {
	id: number;
	workshop: string;
	satisfaction: number;
	subScores: { stability: number | null; content: number | null; support: number | null };
	completed: boolean;
	worked: string | null;
	blocked: string | null;
	github: string | null;
	createdAt: string;
}

export interface IncidentUpdate {
	id: number;
	at: string;
	by: string;
	status: IncidentStatus | 'note';
	note: string | null;
	/** The participant message sent with this update, as sent. */
	message: string | null;
}

export interface Incident {
	id: string;
	workshop: string;
	severity: Severity;
	title: string;
	runbook: string | null;
	commander: string | null;
	runId: string | null;
	userVisible: boolean;
	status: IncidentStatus;
	declaredAt: string;
	declaredBy: string;
	resolvedAt: string | null;
	resolvedBy: string | null;
	followUp: boolean;
	/** Declared to resolved, in minutes (one decimal); null while open. */
	durationMinutes: number | null;
	updates: IncidentUpdate[];
}

export interface WorkshopEvent {
	id: number;
	workshop: string;
	at: string;
	kind: string;
	target: string | null;
}

/** This browser already sent its feedback for the workshop; the first answer stays. */
export class DuplicateFeedbackError extends Error {
	constructor(workshop: string) {
		super(`feedback for ${workshop} was already sent from this browser; thank you, one answer per person is kept`);
		this.name = 'DuplicateFeedbackError';
	}
}

/** A change that the record's state does not allow (claiming a resolved request, updating a resolved incident). */
export class StateError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'StateError';
	}
}

type Row = Record<string, SQLInputValue>;

const str = (v: SQLInputValue | undefined) => (v === null || v === undefined ? null : String(v));
const newId = () => randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
export const minutesBetween = (a: string, b: string) => Math.round(((Date.parse(b) - Date.parse(a)) / 60_000) * 10) / 10;

const toCode = (r: Row): WorkshopCode => ({
	workshop: r.workshop as string,
	code: r.code as string,
	openedAt: r.opened_at as string,
	openedBy: r.opened_by as string,
	closesAt: r.closes_at as string,
	closedAt: str(r.closed_at),
	closedBy: str(r.closed_by),
});

const toHelp = (r: Row): HelpRequest => ({
	id: r.id as string,
	workshop: r.workshop as string,
	github: r.github as string,
	workspace: r.workspace as string,
	region: r.region as string,
	description: r.description as string,
	error: str(r.error),
	createdAt: r.created_at as string,
	claimedBy: str(r.claimed_by),
	claimedAt: str(r.claimed_at),
	resolvedBy: str(r.resolved_by),
	resolvedAt: str(r.resolved_at),
	resolution: str(r.resolution),
	followUp: r.follow_up === 1,
	state: r.resolved_at ? 'resolved' : r.claimed_at ? 'claimed' : 'open',
});

const toFeedback = (r: Row): FeedbackResponse => ({
	id: Number(r.id),
	workshop: r.workshop as string,
	satisfaction: Number(r.satisfaction),
	subScores: {
		stability: r.stability === null ? null : Number(r.stability),
		content: r.content === null ? null : Number(r.content),
		support: r.support === null ? null : Number(r.support),
	},
	completed: r.completed === 1,
	worked: str(r.worked),
	blocked: str(r.blocked),
	github: str(r.github),
	createdAt: r.created_at as string,
});

const toUpdate = (r: Row): IncidentUpdate => ({
	id: Number(r.id),
	at: r.at as string,
	by: r.by as string,
	status: r.status as IncidentUpdate['status'],
	note: str(r.note),
	message: str(r.message),
});

/** The workshop loop's records, kept in the handbook's store. */
export class WorkshopStore {
	readonly store: Store;
	#now: () => Date;

	constructor(store: Store, options: { now?: () => Date } = {}) {
		this.store = store;
		this.#now = options.now ?? (() => new Date());
	}

	get #db() {
		return this.store.db;
	}

	#at(): string {
		return this.#now().toISOString();
	}

	#event(workshop: string, kind: string, target: string | null): void {
		this.#db.prepare('INSERT INTO workshop_events (workshop, at, kind, target) VALUES (?, ?, ?, ?)').run(workshop, this.#at(), kind, target);
	}

	// --- the room code ---

	/** Opens (or reissues) the workshop's code: an earlier code stops working at once. */
	openCode(workshop: string, code: string, closesAt: Date, actor: string): WorkshopCode {
		this.store.transaction(() => {
			this.#db
				.prepare(
					'INSERT INTO workshop_codes (workshop, code, opened_at, opened_by, closes_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (workshop) DO UPDATE SET code = excluded.code, opened_at = excluded.opened_at, opened_by = excluded.opened_by, closes_at = excluded.closes_at, closed_at = NULL, closed_by = NULL',
				)
				.run(workshop, code, this.#at(), actor, closesAt.toISOString());
			this.store.audit(actor, 'workshop.open', workshop, { closesAt: closesAt.toISOString() });
			this.#event(workshop, 'code', null);
		});
		return this.code(workshop)!;
	}

	/** Closes the code now: participants can no longer write for this workshop. */
	closeCode(workshop: string, actor: string): WorkshopCode {
		const current = this.code(workshop);
		if (!current) throw new NotFoundError(`a code for workshop ${workshop}`);
		this.store.transaction(() => {
			this.#db.prepare('UPDATE workshop_codes SET closed_at = ?, closed_by = ? WHERE workshop = ?').run(this.#at(), actor, workshop);
			this.store.audit(actor, 'workshop.close', workshop);
			this.#event(workshop, 'code', null);
		});
		return this.code(workshop)!;
	}

	code(workshop: string): WorkshopCode | null {
		const row = this.#db.prepare('SELECT * FROM workshop_codes WHERE workshop = ?').get(workshop) as Row | undefined;
		return row ? toCode(row) : null;
	}

	// --- help requests ---

	createHelp(input: { workshop: string; github: string; workspace: string; region: string; description: string; error: string | null; secretHash: string }): HelpRequest {
		const id = newId();
		this.store.transaction(() => {
			this.#db
				.prepare('INSERT INTO help_requests (id, workshop, secret_hash, github, workspace, region, description, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
				.run(id, input.workshop, input.secretHash, input.github, input.workspace, input.region, input.description, input.error, this.#at());
			this.store.audit('participant', 'help.new', id, { workshop: input.workshop });
			this.#event(input.workshop, 'help', id);
		});
		return this.help(id);
	}

	help(id: string): HelpRequest {
		const row = this.#db.prepare('SELECT * FROM help_requests WHERE id = ?').get(id) as Row | undefined;
		if (!row) throw new NotFoundError(`help request ${id}`);
		return toHelp(row);
	}

	/** The stored hash of a request's participant secret (null when there is no such request). */
	helpSecretHash(id: string): string | null {
		const row = this.#db.prepare('SELECT secret_hash FROM help_requests WHERE id = ?').get(id) as Row | undefined;
		return row ? (row.secret_hash as string) : null;
	}

	helpRequests(workshop: string): HelpRequest[] {
		return (this.#db.prepare('SELECT * FROM help_requests WHERE workshop = ? ORDER BY created_at, id').all(workshop) as Row[]).map(toHelp);
	}

	/** A helper takes a request; claiming one already claimed by someone else hands it over. */
	claimHelp(id: string, actor: string): HelpRequest {
		this.store.transaction(() => {
			const h = this.help(id);
			if (h.resolvedAt) throw new StateError(`help request ${id} was already resolved by ${h.resolvedBy} at ${h.resolvedAt}`);
			this.#db.prepare('UPDATE help_requests SET claimed_by = ?, claimed_at = COALESCE(claimed_at, ?) WHERE id = ?').run(actor, this.#at(), id);
			this.store.audit(actor, 'help.claim', id);
			this.#event(h.workshop, 'help', id);
		});
		return this.help(id);
	}

	resolveHelp(id: string, actor: string, input: { resolution: string | null; followUp: boolean }): HelpRequest {
		this.store.transaction(() => {
			const h = this.help(id);
			if (h.resolvedAt) throw new StateError(`help request ${id} was already resolved by ${h.resolvedBy} at ${h.resolvedAt}`);
			const at = this.#at();
			this.#db
				.prepare('UPDATE help_requests SET claimed_by = COALESCE(claimed_by, ?), claimed_at = COALESCE(claimed_at, ?), resolved_by = ?, resolved_at = ?, resolution = ?, follow_up = ? WHERE id = ?')
				.run(actor, at, actor, at, input.resolution, input.followUp ? 1 : 0, id);
			this.store.audit(actor, 'help.resolve', id, { followUp: input.followUp });
			this.#event(h.workshop, 'help', id);
		});
		return this.help(id);
	}

	// --- feedback ---

	/** Stores one response; a second from the same browser is refused and the first kept. */
	addFeedback(input: Omit<FeedbackResponse, 'id' | 'createdAt'> & { browserHash: string }): FeedbackResponse {
		const id = this.store.transaction(() => {
			const dup = this.#db.prepare('SELECT 1 FROM feedback WHERE workshop = ? AND browser_hash = ?').get(input.workshop, input.browserHash);
			if (dup) throw new DuplicateFeedbackError(input.workshop);
			const r = this.#db
				.prepare('INSERT INTO feedback (workshop, browser_hash, satisfaction, stability, content, support, completed, worked, blocked, github, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
				.run(
					input.workshop,
					input.browserHash,
					input.satisfaction,
					input.subScores.stability,
					input.subScores.content,
					input.subScores.support,
					input.completed ? 1 : 0,
					input.worked,
					input.blocked,
					input.github,
					this.#at(),
				);
			this.store.audit('participant', 'feedback.new', input.workshop);
			this.#event(input.workshop, 'feedback', String(r.lastInsertRowid));
			return Number(r.lastInsertRowid);
		});
		return toFeedback(this.#db.prepare('SELECT * FROM feedback WHERE id = ?').get(id) as Row);
	}

	feedback(workshop: string): FeedbackResponse[] {
		return (this.#db.prepare('SELECT * FROM feedback WHERE workshop = ? ORDER BY id').all(workshop) as Row[]).map(toFeedback);
	}

	// --- incidents ---

	createIncident(input: { workshop: string; severity: Severity; title: string; runbook: string | null; commander: string | null; runId: string | null; userVisible: boolean; note: string | null; actor: string }): Incident {
		const id = newId();
		this.store.transaction(() => {
			const at = this.#at();
			this.#db
				.prepare("INSERT INTO incidents (id, workshop, severity, title, runbook, commander, run_id, user_visible, status, declared_at, declared_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'investigating', ?, ?)")
				.run(id, input.workshop, input.severity, input.title, input.runbook, input.commander, input.runId, input.userVisible ? 1 : 0, at, input.actor);
			this.#db.prepare("INSERT INTO incident_updates (incident_id, at, by, status, note) VALUES (?, ?, ?, 'investigating', ?)").run(id, at, input.actor, input.note ?? `declared ${input.severity}`);
			this.store.audit(input.actor, 'incident.declare', id, { workshop: input.workshop, severity: input.severity, runbook: input.runbook });
			this.#event(input.workshop, 'incident', id);
		});
		return this.incident(id);
	}

	incident(id: string): Incident {
		const row = this.#db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as Row | undefined;
		if (!row) throw new NotFoundError(`incident ${id}`);
		return this.#toIncident(row);
	}

	incidents(workshop: string): Incident[] {
		return (this.#db.prepare('SELECT * FROM incidents WHERE workshop = ? ORDER BY declared_at, id').all(workshop) as Row[]).map((r) => this.#toIncident(r));
	}

	#toIncident(r: Row): Incident {
		const updates = (this.#db.prepare('SELECT * FROM incident_updates WHERE incident_id = ? ORDER BY id').all(r.id as string) as Row[]).map(toUpdate);
		const resolvedAt = str(r.resolved_at);
		return {
			id: r.id as string,
			workshop: r.workshop as string,
			severity: r.severity as Severity,
			title: r.title as string,
			runbook: str(r.runbook),
			commander: str(r.commander),
			runId: str(r.run_id),
			userVisible: r.user_visible === 1,
			status: r.status as IncidentStatus,
			declaredAt: r.declared_at as string,
			declaredBy: r.declared_by as string,
			resolvedAt,
			resolvedBy: str(r.resolved_by),
			followUp: r.follow_up === 1,
			durationMinutes: resolvedAt ? minutesBetween(r.declared_at as string, resolvedAt) : null,
			updates,
		};
	}

	/** A status change or a note; `resolved` goes through `resolveIncident` so the duration is kept. */
	addIncidentUpdate(id: string, input: { status: IncidentStatus | 'note'; note: string | null; message: string | null; actor: string }): Incident {
		if (input.status === 'resolved') return this.resolveIncident(id, { note: input.note, message: input.message, followUp: null, actor: input.actor });
		this.store.transaction(() => {
			const inc = this.incident(id);
			if (inc.resolvedAt) throw new StateError(`incident ${id} was resolved at ${inc.resolvedAt}; declare a new one if it came back`);
			this.#db.prepare('INSERT INTO incident_updates (incident_id, at, by, status, note, message) VALUES (?, ?, ?, ?, ?, ?)').run(id, this.#at(), input.actor, input.status, input.note, input.message);
			if (input.status !== 'note') this.#db.prepare('UPDATE incidents SET status = ? WHERE id = ?').run(input.status, id);
			this.store.audit(input.actor, 'incident.update', id, { status: input.status });
			this.#event(inc.workshop, 'incident', id);
		});
		return this.incident(id);
	}

	resolveIncident(id: string, input: { note: string | null; message: string | null; followUp: boolean | null; actor: string }): Incident {
		this.store.transaction(() => {
			const inc = this.incident(id);
			if (inc.resolvedAt) throw new StateError(`incident ${id} was already resolved at ${inc.resolvedAt}`);
			const at = this.#at();
			this.#db.prepare("INSERT INTO incident_updates (incident_id, at, by, status, note, message) VALUES (?, ?, ?, 'resolved', ?, ?)").run(id, at, input.actor, input.note, input.message);
			// P0 and P1 always get a follow-up (the post-incident checklist); others when asked.
			const followUp = input.followUp ?? (inc.severity === 'P0' || inc.severity === 'P1');
			this.#db.prepare("UPDATE incidents SET status = 'resolved', resolved_at = ?, resolved_by = ?, follow_up = ? WHERE id = ?").run(at, input.actor, followUp ? 1 : 0, id);
			this.store.audit(input.actor, 'incident.resolve', id);
			this.#event(inc.workshop, 'incident', id);
		});
		return this.incident(id);
	}

	// --- the change feed ---

	/** Changes of a workshop after event id `after`, oldest first. */
	events(workshop: string, after: number, limit = 1000): WorkshopEvent[] {
		return (this.#db.prepare('SELECT * FROM workshop_events WHERE workshop = ? AND id > ? ORDER BY id LIMIT ?').all(workshop, after, limit) as Row[]).map((r) => ({
			id: Number(r.id),
			workshop: r.workshop as string,
			at: r.at as string,
			kind: r.kind as string,
			target: str(r.target),
		}));
	}

	/** The latest event id of a workshop (0 when none). */
	lastEvent(workshop: string): number {
		return Number((this.#db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM workshop_events WHERE workshop = ?').get(workshop) as Row).id);
	}
}
