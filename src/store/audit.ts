import type { AuditEntry } from './model.ts';
import { num, text, type SqlQueries, type SqlRow } from './sql.ts';

const toEntry = (r: SqlRow): AuditEntry => ({
	id: num(r.id),
	at: String(r.at),
	actor: String(r.actor),
	subject: text(r.subject),
	action: String(r.action),
	runId: text(r.run_id),
	target: text(r.target),
	detail: r.detail ? JSON.parse(String(r.detail)) : null,
	pageRevision: text(r.page_revision),
});

/** The Postgres channel that carries the run id of every audit entry, to every instance listening. */
export const changeChannel = 'handbook_changes';

/**
 * The audit log: who did what, when, to which run and target. Ids grow in commit order on both
 * backends (writers are serialized), so `id > cursor` is the live feed's change cursor.
 */
export class AuditLog {
	readonly #db: SqlQueries;
	readonly #at: () => string;
	/** Postgres: each entry of a run is also a NOTIFY on `changeChannel`, sent when its transaction commits. */
	readonly #notify: boolean;

	constructor(db: SqlQueries, at: () => string, options: { notify?: boolean } = {}) {
		this.#db = db;
		this.#at = at;
		this.#notify = options.notify ?? false;
	}

	/** Appends an entry (inside the caller's transaction, through `q`); returns its id. */
	async write(q: SqlQueries, entry: { actor: string; action: string; runId?: string | null; target?: string | null; detail?: unknown; pageRevision?: string | null }): Promise<number> {
		// Display names are unique (people), so the entry also gets the person's stable subject.
		const person = await q.get('SELECT subject FROM people WHERE lower(name) = lower(?)', [entry.actor]);
		const [row] = await q.run('INSERT INTO audit (at, actor, subject, action, run_id, target, detail, page_revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id', [
			this.#at(),
			entry.actor,
			text(person?.subject),
			entry.action,
			entry.runId ?? null,
			entry.target ?? null,
			entry.detail === undefined ? null : JSON.stringify(entry.detail),
			entry.pageRevision ?? null,
		]);
		if (this.#notify && entry.runId) await q.run('SELECT pg_notify(?, ?)', [changeChannel, entry.runId]);
		return num(row!.id);
	}

	async entries(filter: { runId?: string; after?: number; limit?: number } = {}): Promise<AuditEntry[]> {
		const rows = filter.runId
			? await this.#db.all('SELECT * FROM audit WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?', [filter.runId, filter.after ?? 0, filter.limit ?? 1000])
			: await this.#db.all('SELECT * FROM audit WHERE id > ? ORDER BY id LIMIT ?', [filter.after ?? 0, filter.limit ?? 1000]);
		return rows.map(toEntry);
	}

	async entry(id: number): Promise<AuditEntry | null> {
		const row = await this.#db.get('SELECT * FROM audit WHERE id = ?', [id]);
		return row ? toEntry(row) : null;
	}

	/** Highest audit id of a run (0 when none): the cursor of live updates. */
	async revision(runId: string): Promise<number> {
		return num((await this.#db.get('SELECT COALESCE(MAX(id), 0) AS id FROM audit WHERE run_id = ?', [runId]))!.id);
	}

	/** Highest audit id of all (0 when none). */
	async head(): Promise<number> {
		return num((await this.#db.get('SELECT COALESCE(MAX(id), 0) AS id FROM audit'))!.id);
	}

	/** How many audit entries of a run come after `after`, counting at most `limit` (an index-only scan). */
	async count(runId: string, after: number, limit: number): Promise<number> {
		return num((await this.#db.get('SELECT COUNT(*) AS n FROM (SELECT 1 FROM audit WHERE run_id = ? AND id > ? LIMIT ?) tail', [runId, after, limit]))!.n);
	}

	/** The newest audit entry of a run among some actions (e.g. the last run-all start or end), or null. */
	async last(runId: string, actions: readonly string[]): Promise<AuditEntry | null> {
		// MAX(id) over the (run_id, action, id) index: a few index entries, where ORDER BY id DESC
		// LIMIT 1 walked back through every entry of the run (1.3 ms on a 10,000-entry run, per view).
		const row = await this.#db.get(`SELECT * FROM audit WHERE id = (SELECT MAX(id) FROM audit WHERE run_id = ? AND action IN (${actions.map(() => '?').join(', ')}))`, [runId, ...actions]);
		return row ? toEntry(row) : null;
	}
}
