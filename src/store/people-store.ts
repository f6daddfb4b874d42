import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SQLInputValue } from 'node:sqlite';
import { roles as allRoles, type Person, type Role, type SignInSource } from '../server/roles.ts';
import { breakGlassPerson, sha256, type Store } from './store.ts';

type Row = Record<string, SQLInputValue>;

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
	roles: (r.roles as string).split(',').filter((x): x is Role => (allRoles as readonly string[]).includes(x)),
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

	get #db() {
		return this.#store.db;
	}

	/** The person known by a name (letter case aside), or null. */
	byName(name: string): Person | null {
		const row = this.#db.prepare('SELECT * FROM people WHERE name = ?').get(name) as Row | undefined;
		return row ? toPerson(row) : null;
	}

	bySubject(subject: string): Person | null {
		const row = this.#db.prepare('SELECT * FROM people WHERE subject = ?').get(subject) as Row | undefined;
		return row ? toPerson(row) : null;
	}

	/**
	 * Records a person who signed in (identity provider, break-glass, CLI) under their subject,
	 * updating their name and roles; a name held by another subject is refused (NameTakenError).
	 */
	remember(person: Person, by = 'system'): Person {
		return this.#store.transaction(() => {
			const holder = this.byName(person.name);
			if (holder && holder.subject !== person.subject) throw new NameTakenError(person.name, holder);
			const at = this.#now().toISOString();
			this.#db
				.prepare('INSERT INTO people (subject, name, roles, source, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (subject) DO UPDATE SET name = excluded.name, roles = excluded.roles')
				.run(person.subject, person.name, person.roles.join(','), person.via, at, by);
			return person;
		});
	}

	/**
	 * Records a break-glass sign-in under the name typed; when that name belongs to another
	 * person (an invited "Ana Ruiz"), as "<name> (break-glass)" so the record never confuses them.
	 */
	breakGlass(name: string): Person {
		const person = breakGlassPerson(name);
		const holder = this.byName(name);
		if (holder && holder.subject !== person.subject) return this.remember({ ...person, name: `${name} (break-glass)` });
		return this.remember(person);
	}

	/**
	 * A one-time sign-in link for a person by name with a role: a new person, or (the name is
	 * unique) the invited person of that name, who then holds the role as well. A name taken by
	 * someone who signs in another way is refused. Returns the token (shown once) and the person.
	 */
	invite(name: string, role: Role, options: { expiresAt: Date; by: string }): { token: string; person: Person; expiresAt: string } {
		return this.#store.transaction(() => {
			let existing = this.byName(name);
			if (existing?.via === 'break-glass') {
				// Someone typed this name at a break-glass sign-in: the invited person takes it, the
				// break-glass one (its audit entries keep their subject) is renamed to say what it was.
				this.#db.prepare('UPDATE people SET name = ? WHERE subject = ?').run(`${existing.name} (break-glass)`, existing.subject);
				existing = null;
			}
			if (existing && existing.via !== 'invite') throw new NameTakenError(name, existing);
			const person: Person = existing
				? { ...existing, roles: existing.roles.includes(role) ? existing.roles : [...existing.roles, role] }
				: { subject: `invite:${randomUUID()}`, name, roles: [role], via: 'invite' };
			const at = this.#now().toISOString();
			if (existing) this.#db.prepare('UPDATE people SET roles = ? WHERE subject = ?').run(person.roles.join(','), person.subject);
			else this.#db.prepare('INSERT INTO people (subject, name, roles, source, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)').run(person.subject, name, role, 'invite', at, options.by);
			const token = randomBytes(24).toString('base64url');
			const expiresAt = options.expiresAt.toISOString();
			this.#db.prepare('INSERT INTO invites (token_hash, subject, created_at, expires_at) VALUES (?, ?, ?, ?)').run(sha256(token), person.subject, at, expiresAt);
			this.#store.audit(options.by, 'person.invite', person.name, { role, roles: person.roles, expiresAt });
			return { token, person, expiresAt };
		});
	}

	/** The invited person a one-time link signs in, or null when it is unknown, used or expired; marks it used. */
	redeem(token: string): Person | null {
		const hash = sha256(token);
		return this.#store.transaction(() => {
			const row = this.#db.prepare('SELECT * FROM invites WHERE token_hash = ?').get(hash) as Row | undefined;
			if (!row || !timingSafeEqual(Buffer.from(row.token_hash as string), Buffer.from(hash))) return null;
			const now = this.#now().toISOString();
			if (row.used_at || (row.expires_at as string) <= now) return null;
			this.#db.prepare('UPDATE invites SET used_at = ? WHERE token_hash = ?').run(now, hash);
			return this.bySubject(row.subject as string);
		});
	}

	/** Who approved a run's sign-off, in order. */
	approvals(runId: string): Approval[] {
		return (this.#db.prepare('SELECT subject, name, at FROM approvals WHERE run_id = ? ORDER BY at, rowid').all(runId) as Row[]).map((r) => ({ subject: r.subject as string, name: r.name as string, at: r.at as string }));
	}

	/** Forgets a run's approvals (its decision changed: they approved another one). */
	clearApprovals(runId: string): void {
		this.#store.transaction(() => this.#db.prepare('DELETE FROM approvals WHERE run_id = ?').run(runId));
	}

	/** Records a person's approval of a run (once per person); false when they had approved already. */
	approve(runId: string, person: Person): boolean {
		return this.#store.transaction(() => {
			const done = this.#db.prepare('SELECT 1 FROM approvals WHERE run_id = ? AND subject = ?').get(runId, person.subject);
			if (done) return false;
			this.#db.prepare('INSERT INTO approvals (run_id, subject, name, at) VALUES (?, ?, ?, ?)').run(runId, person.subject, person.name, this.#now().toISOString());
			return true;
		});
	}
}
