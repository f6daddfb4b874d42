import { randomBytes } from 'node:crypto';
import type { AuditLog } from './audit.ts';
import { ChecksInFlightError, FrozenRunError, NotFoundError } from './errors.ts';
import type { FieldValue, Run, StoredResult, Tick } from './model.ts';
import { toResult } from './results.ts';
import { text, type SqlDb, type SqlRow, type SqlValue } from './sql.ts';

const toRun = (r: SqlRow): Run => ({
	id: String(r.id),
	checklist: String(r.checklist),
	environment: String(r.environment),
	workshop: text(r.workshop),
	scenario: text(r.scenario),
	pageRevision: text(r.page_revision),
	createdAt: String(r.created_at),
	createdBy: String(r.created_by),
	decision: text(r.decision) as Run['decision'],
	decisionNote: text(r.decision_note),
	decidedBy: text(r.decided_by),
	decidedAt: text(r.decided_at),
	signedOffBy: text(r.signed_off_by),
	signedOffAt: text(r.signed_off_at),
});

const UPSERT_FIELD = 'INSERT INTO fields (run_id, name, value, by, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value, by = excluded.by, at = excluded.at';

/**
 * Runs and what people record in them: ticks, fields, the go / no-go decision and the sign-off
 * that freezes the run. Each change is one transaction with its audit entry.
 */
export class RunRecords {
	readonly #db: SqlDb;
	readonly #audit: AuditLog;
	readonly #at: () => string;

	constructor(db: SqlDb, audit: AuditLog, at: () => string) {
		this.#db = db;
		this.#audit = audit;
		this.#at = at;
	}

	async create(input: { checklist: string; environment: string; workshop?: string | null; scenario?: string | null; pageRevision?: string | null; actor: string }): Promise<Run> {
		const id = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
		await this.#db.transaction(async (q) => {
			await q.run('INSERT INTO runs (id, checklist, environment, workshop, scenario, page_revision, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
				id,
				input.checklist,
				input.environment,
				input.workshop ?? null,
				input.scenario ?? null,
				input.pageRevision ?? null,
				this.#at(),
				input.actor,
			]);
			await this.#audit.write(q, {
				actor: input.actor,
				action: 'run.start',
				runId: id,
				target: input.checklist,
				detail: { environment: input.environment, workshop: input.workshop ?? null, scenario: input.scenario ?? null },
				pageRevision: input.pageRevision ?? null,
			});
		});
		return this.run(id);
	}

	async run(id: string): Promise<Run> {
		const row = await this.#db.get('SELECT * FROM runs WHERE id = ?', [id]);
		if (!row) throw new NotFoundError(`run ${id}`);
		return toRun(row);
	}

	async list(filter: { checklist?: string; environment?: string; workshop?: string; limit?: number } = {}): Promise<Run[]> {
		const where: string[] = [];
		const args: SqlValue[] = [];
		for (const [col, v] of [['checklist', filter.checklist], ['environment', filter.environment], ['workshop', filter.workshop]] as const) {
			if (v !== undefined) {
				where.push(`${col} = ?`);
				args.push(v);
			}
		}
		const sql = `SELECT * FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
		return (await this.#db.all(sql, [...args, filter.limit ?? 50])).map(toRun);
	}

	/** The run, if it still takes changes; FrozenRunError once signed off. */
	async writable(runId: string): Promise<Run> {
		const run = await this.run(runId);
		if (run.signedOffAt) throw new FrozenRunError(run);
		return run;
	}

	async setTick(runId: string, itemId: string, checked: boolean, actor: string): Promise<Tick> {
		const at = this.#at();
		await this.#db.transaction(async (q) => {
			const run = await this.writable(runId);
			await q.run('INSERT INTO ticks (run_id, item_id, checked, by, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, item_id) DO UPDATE SET checked = excluded.checked, by = excluded.by, at = excluded.at', [
				runId,
				itemId,
				checked ? 1 : 0,
				actor,
				at,
			]);
			await this.#audit.write(q, { actor, action: checked ? 'item.tick' : 'item.untick', runId, target: itemId, pageRevision: run.pageRevision });
		});
		return { itemId, checked, by: actor, at };
	}

	async setField(runId: string, name: string, value: string, actor: string, itemId: string | null = null): Promise<FieldValue> {
		const at = this.#at();
		await this.#db.transaction(async (q) => {
			const run = await this.writable(runId);
			await q.run(UPSERT_FIELD, [runId, name, value, actor, at]);
			await this.#audit.write(q, { actor, action: 'field.set', runId, target: name, detail: { value, item: itemId }, pageRevision: run.pageRevision });
		});
		return { name, value, by: actor, at };
	}

	/**
	 * Records a field only if it still holds the value the writer loaded (`expected`; '' for
	 * never recorded): two people editing one field, the later writer gets the current value back.
	 */
	async setFieldIfUnchanged(runId: string, name: string, expected: string, value: string, actor: string, itemId: string | null = null): Promise<{ ok: true; field: FieldValue } | { ok: false; current: FieldValue }> {
		return this.#db.transaction(async (q) => {
			const run = await this.writable(runId);
			const row = await q.get('SELECT name, value, by, at FROM fields WHERE run_id = ? AND name = ?', [runId, name]);
			if (row && row.value !== expected && row.value !== value) return { ok: false as const, current: { name, value: String(row.value), by: String(row.by), at: String(row.at) } };
			const at = this.#at();
			await q.run(UPSERT_FIELD, [runId, name, value, actor, at]);
			await this.#audit.write(q, { actor, action: 'field.set', runId, target: name, detail: { value, item: itemId }, pageRevision: run.pageRevision });
			return { ok: true as const, field: { name, value, by: actor, at } };
		});
	}

	async decide(runId: string, decision: 'go' | 'no-go', note: string | null, actor: string): Promise<Run> {
		await this.#db.transaction(async (q) => {
			const run = await this.writable(runId);
			await q.run('UPDATE runs SET decision = ?, decision_note = ?, decided_by = ?, decided_at = ? WHERE id = ?', [decision, note, actor, this.#at(), runId]);
			await this.#audit.write(q, { actor, action: 'run.decide', runId, target: decision, detail: { note }, pageRevision: run.pageRevision });
		});
		return this.run(runId);
	}

	/**
	 * Freezes the run. Refused with ChecksInFlightError while a check of the run is running and
	 * `inFlight` says it may still finish (by default every running check); running rows it rules
	 * out are settled as interrupted first. Refusing and freezing are one transaction.
	 */
	async signOff(runId: string, actor: string, options: { inFlight?: (row: StoredResult) => boolean | Promise<boolean> } = {}): Promise<Run> {
		await this.#db.transaction(async (q) => {
			const run = await this.writable(runId);
			const running = (await q.all("SELECT * FROM results WHERE run_id = ? AND state = 'running' ORDER BY check_id, region NULLS FIRST", [runId])).map(toResult);
			const inFlight: StoredResult[] = [];
			for (const r of running) if ((await options.inFlight?.(r)) ?? true) inFlight.push(r);
			if (inFlight.length) throw new ChecksInFlightError(run, inFlight);
			for (const r of running) {
				await q.run("UPDATE results SET state = 'interrupted', status = 'error', message = 'interrupted: this check never finished (its process stopped); run it again in a new run', finished_at = ? WHERE id = ?", [
					this.#at(),
					r.id,
				]);
				await this.#audit.write(q, { actor: 'system', action: 'check.interrupted', runId, target: r.checkId, detail: { region: r.region }, pageRevision: run.pageRevision });
			}
			await q.run('UPDATE runs SET signed_off_by = ?, signed_off_at = ? WHERE id = ?', [actor, this.#at(), runId]);
			await this.#audit.write(q, { actor, action: 'run.sign-off', runId, detail: { decision: run.decision }, pageRevision: run.pageRevision });
		});
		return this.run(runId);
	}

	async ticks(runId: string): Promise<Tick[]> {
		return (await this.#db.all('SELECT item_id, checked, by, at FROM ticks WHERE run_id = ? ORDER BY item_id', [runId])).map((r) => ({
			itemId: String(r.item_id),
			checked: Number(r.checked) === 1,
			by: String(r.by),
			at: String(r.at),
		}));
	}

	async fields(runId: string): Promise<FieldValue[]> {
		return (await this.#db.all('SELECT name, value, by, at FROM fields WHERE run_id = ? ORDER BY name', [runId])).map((r) => ({ name: String(r.name), value: String(r.value), by: String(r.by), at: String(r.at) }));
	}
}
