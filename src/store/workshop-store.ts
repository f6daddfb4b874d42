import { NotFoundError } from './errors.ts';
import type { HandbookStore } from './handbook-store.ts';
import { num, text as str, type SqlQueries, type SqlRow as Row } from './sql.ts';
import {
	DuplicateFeedbackError,
	minutesBetween,
	newId,
	StateError,
	toCode,
	toFeedback,
	toHelp,
	toUpdate,
	type FeedbackResponse,
	type HelpRequest,
	type Incident,
	type IncidentStatus,
	type Severity,
	type WorkshopCode,
	type WorkshopEvent,
} from './workshop-model.ts';

export * from './workshop-model.ts';

/** The workshop loop's records, kept in the handbook's store (SQLite or Postgres). */
export class WorkshopStore {
	readonly store: HandbookStore;
	#now: () => Date;

	constructor(store: HandbookStore, options: { now?: () => Date } = {}) {
		this.store = store;
		this.#now = options.now ?? store.now;
	}

	get #db(): SqlQueries {
		return this.store.queries;
	}

	#at(): string {
		return this.#now().toISOString();
	}

	async #event(q: SqlQueries, workshop: string, kind: string, target: string | null): Promise<void> {
		await q.run('INSERT INTO workshop_events (workshop, at, kind, target) VALUES (?, ?, ?, ?)', [workshop, this.#at(), kind, target]);
	}

	// --- the room code ---

	/** Opens (or reissues) the workshop's code: an earlier code stops working at once. */
	async openCode(workshop: string, code: string, closesAt: Date, actor: string): Promise<WorkshopCode> {
		await this.store.transaction(async (q) => {
			await q.run(
				'INSERT INTO workshop_codes (workshop, code, opened_at, opened_by, closes_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (workshop) DO UPDATE SET code = excluded.code, opened_at = excluded.opened_at, opened_by = excluded.opened_by, closes_at = excluded.closes_at, closed_at = NULL, closed_by = NULL',
				[workshop, code, this.#at(), actor, closesAt.toISOString()],
			);
			await this.store.audit(actor, 'workshop.open', workshop, { closesAt: closesAt.toISOString() });
			await this.#event(q, workshop, 'code', null);
		});
		return (await this.code(workshop))!;
	}

	/** Closes the code now: participants can no longer write for this workshop. */
	async closeCode(workshop: string, actor: string): Promise<WorkshopCode> {
		const current = await this.code(workshop);
		if (!current) throw new NotFoundError(`a code for workshop ${workshop}`);
		await this.store.transaction(async (q) => {
			await q.run('UPDATE workshop_codes SET closed_at = ?, closed_by = ? WHERE workshop = ?', [this.#at(), actor, workshop]);
			await this.store.audit(actor, 'workshop.close', workshop);
			await this.#event(q, workshop, 'code', null);
		});
		return (await this.code(workshop))!;
	}

	async code(workshop: string): Promise<WorkshopCode | null> {
		const row = await this.#db.get('SELECT * FROM workshop_codes WHERE workshop = ?', [workshop]);
		return row ? toCode(row) : null;
	}

	// --- help requests ---

	async createHelp(input: { workshop: string; github: string; workspace: string; region: string; description: string; error: string | null; secretHash: string }): Promise<HelpRequest> {
		const id = newId();
		await this.store.transaction(async (q) => {
			await q.run('INSERT INTO help_requests (id, workshop, secret_hash, github, workspace, region, description, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
				id,
				input.workshop,
				input.secretHash,
				input.github,
				input.workspace,
				input.region,
				input.description,
				input.error,
				this.#at(),
			]);
			await this.store.audit('participant', 'help.new', id, { workshop: input.workshop });
			await this.#event(q, input.workshop, 'help', id);
		});
		return this.help(id);
	}

	async help(id: string): Promise<HelpRequest> {
		const row = await this.#db.get('SELECT * FROM help_requests WHERE id = ?', [id]);
		if (!row) throw new NotFoundError(`help request ${id}`);
		return toHelp(row);
	}

	/** The stored hash of a request's participant secret (null when there is no such request). */
	async helpSecretHash(id: string): Promise<string | null> {
		const row = await this.#db.get('SELECT secret_hash FROM help_requests WHERE id = ?', [id]);
		return row ? String(row.secret_hash) : null;
	}

	async helpRequests(workshop: string): Promise<HelpRequest[]> {
		return (await this.#db.all('SELECT * FROM help_requests WHERE workshop = ? ORDER BY created_at, id', [workshop])).map(toHelp);
	}

	/** A helper takes a request; claiming one already claimed by someone else hands it over. */
	async claimHelp(id: string, actor: string): Promise<HelpRequest> {
		await this.store.transaction(async (q) => {
			const h = await this.help(id);
			if (h.resolvedAt) throw new StateError(`help request ${id} was already resolved by ${h.resolvedBy} at ${h.resolvedAt}`);
			await q.run('UPDATE help_requests SET claimed_by = ?, claimed_at = COALESCE(claimed_at, ?) WHERE id = ?', [actor, this.#at(), id]);
			await this.store.audit(actor, 'help.claim', id);
			await this.#event(q, h.workshop, 'help', id);
		});
		return this.help(id);
	}

	async resolveHelp(id: string, actor: string, input: { resolution: string | null; followUp: boolean }): Promise<HelpRequest> {
		await this.store.transaction(async (q) => {
			const h = await this.help(id);
			if (h.resolvedAt) throw new StateError(`help request ${id} was already resolved by ${h.resolvedBy} at ${h.resolvedAt}`);
			const at = this.#at();
			await q.run('UPDATE help_requests SET claimed_by = COALESCE(claimed_by, ?), claimed_at = COALESCE(claimed_at, ?), resolved_by = ?, resolved_at = ?, resolution = ?, follow_up = ? WHERE id = ?', [
				actor,
				at,
				actor,
				at,
				input.resolution,
				input.followUp ? 1 : 0,
				id,
			]);
			await this.store.audit(actor, 'help.resolve', id, { followUp: input.followUp });
			await this.#event(q, h.workshop, 'help', id);
		});
		return this.help(id);
	}

	// --- feedback ---

	/** Stores one response; a second from the same browser is refused and the first kept. */
	async addFeedback(input: Omit<FeedbackResponse, 'id' | 'createdAt'> & { browserHash: string }): Promise<FeedbackResponse> {
		const id = await this.store.transaction(async (q) => {
			const dup = await q.get('SELECT 1 AS one FROM feedback WHERE workshop = ? AND browser_hash = ?', [input.workshop, input.browserHash]);
			if (dup) throw new DuplicateFeedbackError(input.workshop);
			const [r] = await q.run(
				'INSERT INTO feedback (workshop, browser_hash, satisfaction, stability, content, support, completed, worked, blocked, github, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
				[input.workshop, input.browserHash, input.satisfaction, input.subScores.stability, input.subScores.content, input.subScores.support, input.completed ? 1 : 0, input.worked, input.blocked, input.github, this.#at()],
			);
			await this.store.audit('participant', 'feedback.new', input.workshop);
			await this.#event(q, input.workshop, 'feedback', String(r!.id));
			return num(r!.id);
		});
		return toFeedback((await this.#db.get('SELECT * FROM feedback WHERE id = ?', [id]))!);
	}

	async feedback(workshop: string): Promise<FeedbackResponse[]> {
		return (await this.#db.all('SELECT * FROM feedback WHERE workshop = ? ORDER BY id', [workshop])).map(toFeedback);
	}

	// --- incidents ---

	async createIncident(input: { workshop: string; severity: Severity; title: string; runbook: string | null; commander: string | null; runId: string | null; userVisible: boolean; note: string | null; actor: string }): Promise<Incident> {
		const id = newId();
		await this.store.transaction(async (q) => {
			const at = this.#at();
			await q.run("INSERT INTO incidents (id, workshop, severity, title, runbook, commander, run_id, user_visible, status, declared_at, declared_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'investigating', ?, ?)", [
				id,
				input.workshop,
				input.severity,
				input.title,
				input.runbook,
				input.commander,
				input.runId,
				input.userVisible ? 1 : 0,
				at,
				input.actor,
			]);
			await q.run("INSERT INTO incident_updates (incident_id, at, by, status, note) VALUES (?, ?, ?, 'investigating', ?)", [id, at, input.actor, input.note ?? `declared ${input.severity}`]);
			await this.store.audit(input.actor, 'incident.declare', id, { workshop: input.workshop, severity: input.severity, runbook: input.runbook });
			await this.#event(q, input.workshop, 'incident', id);
		});
		return this.incident(id);
	}

	async incident(id: string): Promise<Incident> {
		const row = await this.#db.get('SELECT * FROM incidents WHERE id = ?', [id]);
		if (!row) throw new NotFoundError(`incident ${id}`);
		return this.#toIncident(row);
	}

	async incidents(workshop: string): Promise<Incident[]> {
		const rows = await this.#db.all('SELECT * FROM incidents WHERE workshop = ? ORDER BY declared_at, id', [workshop]);
		const out: Incident[] = [];
		for (const r of rows) out.push(await this.#toIncident(r));
		return out;
	}

	async #toIncident(r: Row): Promise<Incident> {
		const updates = (await this.#db.all('SELECT * FROM incident_updates WHERE incident_id = ? ORDER BY id', [String(r.id)])).map(toUpdate);
		const resolvedAt = str(r.resolved_at);
		return {
			id: r.id as string,
			workshop: r.workshop as string,
			severity: r.severity as Severity,
			title: r.title as string,
			runbook: str(r.runbook),
			commander: str(r.commander),
			runId: str(r.run_id),
			userVisible: num(r.user_visible) === 1,
			status: r.status as IncidentStatus,
			declaredAt: r.declared_at as string,
			declaredBy: r.declared_by as string,
			resolvedAt,
			resolvedBy: str(r.resolved_by),
			followUp: num(r.follow_up) === 1,
			durationMinutes: resolvedAt ? minutesBetween(r.declared_at as string, resolvedAt) : null,
			updates,
		};
	}

	/** A status change or a note; `resolved` goes through `resolveIncident` so the duration is kept. */
	async addIncidentUpdate(id: string, input: { status: IncidentStatus | 'note'; note: string | null; message: string | null; actor: string }): Promise<Incident> {
		if (input.status === 'resolved') return this.resolveIncident(id, { note: input.note, message: input.message, followUp: null, actor: input.actor });
		await this.store.transaction(async (q) => {
			const inc = await this.incident(id);
			if (inc.resolvedAt) throw new StateError(`incident ${id} was resolved at ${inc.resolvedAt}; declare a new one if it came back`);
			await q.run('INSERT INTO incident_updates (incident_id, at, by, status, note, message) VALUES (?, ?, ?, ?, ?, ?)', [id, this.#at(), input.actor, input.status, input.note, input.message]);
			if (input.status !== 'note') await q.run('UPDATE incidents SET status = ? WHERE id = ?', [input.status, id]);
			await this.store.audit(input.actor, 'incident.update', id, { status: input.status });
			await this.#event(q, inc.workshop, 'incident', id);
		});
		return this.incident(id);
	}

	async resolveIncident(id: string, input: { note: string | null; message: string | null; followUp: boolean | null; actor: string }): Promise<Incident> {
		await this.store.transaction(async (q) => {
			const inc = await this.incident(id);
			if (inc.resolvedAt) throw new StateError(`incident ${id} was already resolved at ${inc.resolvedAt}`);
			const at = this.#at();
			await q.run("INSERT INTO incident_updates (incident_id, at, by, status, note, message) VALUES (?, ?, ?, 'resolved', ?, ?)", [id, at, input.actor, input.note, input.message]);
			// P0 and P1 always get a follow-up (the post-incident checklist); others when asked.
			const followUp = input.followUp ?? (inc.severity === 'P0' || inc.severity === 'P1');
			await q.run("UPDATE incidents SET status = 'resolved', resolved_at = ?, resolved_by = ?, follow_up = ? WHERE id = ?", [at, input.actor, followUp ? 1 : 0, id]);
			await this.store.audit(input.actor, 'incident.resolve', id);
			await this.#event(q, inc.workshop, 'incident', id);
		});
		return this.incident(id);
	}

	// --- the change feed ---

	/** Changes of a workshop after event id `after`, oldest first. */
	async events(workshop: string, after: number, limit = 1000): Promise<WorkshopEvent[]> {
		return (await this.#db.all('SELECT * FROM workshop_events WHERE workshop = ? AND id > ? ORDER BY id LIMIT ?', [workshop, after, limit])).map((r) => ({
			id: num(r.id),
			workshop: String(r.workshop),
			at: String(r.at),
			kind: String(r.kind),
			target: str(r.target),
		}));
	}

	/** The latest event id of a workshop (0 when none). */
	async lastEvent(workshop: string): Promise<number> {
		return num((await this.#db.get('SELECT COALESCE(MAX(id), 0) AS id FROM workshop_events WHERE workshop = ?', [workshop]))!.id);
	}
}
