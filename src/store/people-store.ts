import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { roles as allRoles, type Person, type Role, type SignInSource } from '../server/roles.ts';
import { breakGlassPerson } from './break-glass.ts';
import type { HandbookStore as Store } from './handbook-store.ts';
import { sha256 } from './sessions.ts';
import type { SqlQueries, SqlRow as Row } from './sql.ts';

/** A name already belongs to another person (names are unique, whatever their letter case). */
export class NameTakenError extends Error {
	constructor(name: string, holder: Person) {
		super(`the name "${name}" already belongs to ${holder.name} (${holder.via === 'invite' ? 'invited' : `signed in by ${holder.via}`}); names are unique, so give this person another one (e.g. with a surname)`);
		this.name = 'NameTakenError';
	}
}

/** One approval of a run's sign-off: who and when. */
export interface Approval {
	subject: string;
	name: string;
	at: string;
}

const toPerson = (r: Row): Person => ({
	subject: r.subject as string,
	name: r.name as string,
	roles: String(r.roles).split(',').filter((x): x is Role => (allRoles as readonly string[]).includes(x)),
	via: r.source as SignInSource,
});

/**
 * Named people (migration 4): who is known by which name and roles, their one-time invite links
 * (only the hash is stored; used once, until they expire), and the approvals of runs' sign-offs.
 * The audit log finds the subject of an actor by this table's unique names.
 */
export class PeopleStore {
	#store: Store;
	#now: () => Date;

	constructor(store: Store, options: { now?: () => Date } = {}) {
		this.#store = store;
		this.#now = options.now ?? (() => new Date());
	}

	get #db(): SqlQueries {
		return this.#store.queries;
	}

	/** The person known by a name (letter case aside), or null. */
	async byName(name: string): Promise<Person | null> {
		const row = await this.#db.get('SELECT * FROM people WHERE lower(name) = lower(?)', [name]);
		return row ? toPerson(row) : null;
	}

	async bySubject(subject: string): Promise<Person | null> {
		const row = await this.#db.get('SELECT * FROM people WHERE subject = ?', [subject]);
		return row ? toPerson(row) : null;
	}

	/**
	 * Records a person who signed in (identity provider, break-glass, CLI) under their subject,
	 * updating their name and roles; a name held by another subject is refused (NameTakenError).
	 */
	remember(person: Person, by = 'system'): Promise<Person> {
		return this.#store.transaction(async (q) => {
			const holder = await this.byName(person.name);
			if (holder && holder.subject !== person.subject) throw new NameTakenError(person.name, holder);
			const at = this.#now().toISOString();
			await q.run('INSERT INTO people (subject, name, roles, source, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (subject) DO UPDATE SET name = excluded.name, roles = excluded.roles', [
				person.subject,
				person.name,
				person.roles.join(','),
				person.via,
				at,
				by,
			]);
			return person;
		});
	}

	/**
	 * Records a break-glass sign-in under the name typed; when that name belongs to another
	 * person (an invited "Ana Ruiz"), as "<name> (break-glass)" so the record never confuses them.
	 */
	async breakGlass(name: string): Promise<Person> {
		const person = breakGlassPerson(name);
		const holder = await this.byName(name);
		if (holder && holder.subject !== person.subject) return this.remember({ ...person, name: `${name} (break-glass)` });
		return this.remember(person);
	}

	/**
	 * A one-time sign-in link for a person by name with a role: a new person, or (the name is
	 * unique) the invited person of that name, who then holds the role as well. A name taken by
	 * someone who signs in another way is refused. Returns the token (shown once) and the person.
	 */
	invite(name: string, role: Role, options: { expiresAt: Date; by: string }): Promise<{ token: string; person: Person; expiresAt: string }> {
		return this.#store.transaction(async (q) => {
			let existing = await this.byName(name);
			if (existing?.via === 'break-glass') {
				// Someone typed this name at a break-glass sign-in: the invited person takes it, the
				// break-glass one (its audit entries keep their subject) is renamed to say what it was.
				await q.run('UPDATE people SET name = ? WHERE subject = ?', [`${existing.name} (break-glass)`, existing.subject]);
				existing = null;
			}
			if (existing && existing.via !== 'invite') throw new NameTakenError(name, existing);
			const person: Person = existing
				? { ...existing, roles: existing.roles.includes(role) ? existing.roles : [...existing.roles, role] }
				: { subject: `invite:${randomUUID()}`, name, roles: [role], via: 'invite' };
			const at = this.#now().toISOString();
			if (existing) await q.run('UPDATE people SET roles = ? WHERE subject = ?', [person.roles.join(','), person.subject]);
			else await q.run('INSERT INTO people (subject, name, roles, source, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)', [person.subject, name, role, 'invite', at, options.by]);
			const token = randomBytes(24).toString('base64url');
			const expiresAt = options.expiresAt.toISOString();
			await q.run('INSERT INTO invites (token_hash, subject, created_at, expires_at) VALUES (?, ?, ?, ?)', [sha256(token), person.subject, at, expiresAt]);
			await this.#store.audit(options.by, 'person.invite', person.name, { role, roles: person.roles, expiresAt });
			return { token, person, expiresAt };
		});
	}

	/** The invited person a one-time link signs in, or null when it is unknown, used or expired; marks it used. */
	redeem(token: string): Promise<Person | null> {
		const hash = sha256(token);
		return this.#store.transaction(async (q) => {
			const row = await q.get('SELECT * FROM invites WHERE token_hash = ?', [hash]);
			if (!row || !timingSafeEqual(Buffer.from(String(row.token_hash)), Buffer.from(hash))) return null;
			const now = this.#now().toISOString();
			if (row.used_at || String(row.expires_at) <= now) return null;
			await q.run('UPDATE invites SET used_at = ? WHERE token_hash = ?', [now, hash]);
			return this.bySubject(String(row.subject));
		});
	}

	/** Who approved a run's sign-off, in order. */
	async approvals(runId: string): Promise<Approval[]> {
		return (await this.#db.all('SELECT subject, name, at FROM approvals WHERE run_id = ? ORDER BY at, rowid', [runId])).map((r) => ({ subject: String(r.subject), name: String(r.name), at: String(r.at) }));
	}

	/** Forgets a run's approvals (its decision changed: they approved another one). */
	async clearApprovals(runId: string): Promise<void> {
		await this.#store.transaction((q) => q.run('DELETE FROM approvals WHERE run_id = ?', [runId]));
	}

	/** Records a person's approval of a run (once per person); false when they had approved already. */
	approve(runId: string, person: Person): Promise<boolean> {
		return this.#store.transaction(async (q) => {
			const done = await q.get('SELECT 1 AS one FROM approvals WHERE run_id = ? AND subject = ?', [runId, person.subject]);
			if (done) return false;
			await q.run('INSERT INTO approvals (run_id, subject, name, at) VALUES (?, ?, ?, ?)', [runId, person.subject, person.name, this.#now().toISOString()]);
			return true;
		});
	}
}
