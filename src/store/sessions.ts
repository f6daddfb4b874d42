import { createHash, randomBytes } from 'node:crypto';
import { roles as allRoles, type Person, type Role, type SignInSource } from '../server/roles.ts';
import { breakGlassPerson } from './break-glass.ts';
import type { SqlDb } from './sql.ts';

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Facilitator sessions (only the hash of a cookie is stored) and small settings (the one-time
 * sign-in token's hash): in the store, so every instance sharing it knows them.
 */
export class Sessions {
	readonly #db: SqlDb;
	readonly #now: () => Date;

	constructor(db: SqlDb, now: () => Date) {
		this.#db = db;
		this.#now = now;
	}

	/** Creates a facilitator session; returns the secret cookie value (only its hash is stored). */
	async create(person: Person | string, ttlHours = 24 * 14): Promise<string> {
		const p = typeof person === 'string' ? { name: person, subject: null, roles: [], via: null } : person;
		const token = randomBytes(32).toString('base64url');
		const now = this.#now();
		await this.#db.transaction((q) =>
			q.run('INSERT INTO sessions (token_hash, name, subject, roles, via, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
				sha256(token),
				p.name,
				p.subject,
				p.roles.join(','),
				p.via,
				now.toISOString(),
				new Date(now.getTime() + ttlHours * 3_600_000).toISOString(),
				now.toISOString(),
			]),
		);
		return token;
	}

	/**
	 * The name of the facilitator a session cookie belongs to, or null: also when the session went
	 * unused for `idleMs`. Use is recorded at most once a minute (or a tenth of `idleMs`).
	 */
	async name(token: string | undefined, idleMs = Infinity): Promise<string | null> {
		if (!token) return null;
		const hash = sha256(token);
		const row = await this.#db.get('SELECT name, expires_at, last_seen_at, created_at FROM sessions WHERE token_hash = ?', [hash]);
		const now = this.#now();
		if (!row || String(row.expires_at) < now.toISOString()) return null;
		const lastSeen = Date.parse(String(row.last_seen_at ?? row.created_at));
		if (now.getTime() - lastSeen > idleMs) return null;
		if (now.getTime() - lastSeen > Math.min(60_000, idleMs / 10)) {
			try {
				await this.#db.transaction((q) => q.run('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?', [now.toISOString(), hash]));
			} catch {
				// A read must not fail because its bookkeeping could not be written (full disk).
			}
		}
		return String(row.name);
	}

	/** The person a session cookie belongs to, or null (also when it went unused for `idleMs`). */
	async session(token: string | undefined, idleMs = Infinity): Promise<Person | null> {
		const name = await this.name(token, idleMs);
		if (name === null) return null;
		const row = await this.#db.get('SELECT subject, roles, via FROM sessions WHERE token_hash = ?', [sha256(token!)]);
		// Sessions from before named people were made with the shared token: break-glass.
		if (!row?.subject) return breakGlassPerson(name);
		const roles = String(row.roles)
			.split(',')
			.filter((r): r is Role => (allRoles as readonly string[]).includes(r));
		return { subject: String(row.subject), name, roles, via: row.via as SignInSource };
	}

	async delete(token: string): Promise<void> {
		await this.#db.transaction((q) => q.run('DELETE FROM sessions WHERE token_hash = ?', [sha256(token)]));
	}

	async setting(key: string): Promise<string | null> {
		const row = await this.#db.get('SELECT value FROM settings WHERE key = ?', [key]);
		return row ? String(row.value) : null;
	}

	async setSetting(key: string, value: string | null): Promise<void> {
		await this.#db.transaction(async (q) => {
			if (value === null) await q.run('DELETE FROM settings WHERE key = ?', [key]);
			else await q.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
		});
	}
}
