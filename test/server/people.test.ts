import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliActorName, parseExpiry } from '../../src/cli/people.ts';
import { Auth } from '../../src/server/auth.ts';
import { authorization, checkPersonName, may, parseRole, refusalFor, type Person } from '../../src/server/roles.ts';
import { NameTakenError } from '../../src/store/people-store.ts';
import { openStore } from '../../src/store/store.ts';
import { DatabaseSync } from 'node:sqlite';

const tempDir = () => mkdtempSync(join(tmpdir(), 'handbook-people-'));

async function setup(start = '2026-12-01T10:00:00Z') {
	const clock = { now: new Date(start) };
	const dir = tempDir();
	const store = await openStore({ dataDir: dir, databaseUrl: undefined, now: () => clock.now });
	const auth = new Auth(store, { configuredToken: 'break-glass-token-for-tests', idleHours: 12, now: () => clock.now });
	return { clock, dir, store, auth, people: auth.people };
}

/** Every row of a table, read from the SQLite file as an auditor would. */
function rows(dir: string, table: string): unknown[] {
	const db = new DatabaseSync(join(dir, 'handbook.sqlite'), { readOnly: true });
	try {
		return db.prepare(`SELECT * FROM ${table}`).all();
	} finally {
		db.close();
	}
}

describe('names', () => {
	it.each(['system', 'anonymous', 'scenario', ' System ', 'ANONYMOUS'])('refuses the reserved name %j', (name) => {
		expect(() => checkPersonName(name)).toThrow(/reserved/);
	});

	it('refuses empty, long, control-character and "(break-glass)" names, and tidies spaces', async () => {
		expect(() => checkPersonName('  ')).toThrow(/needs a name/);
		expect(() => checkPersonName('x'.repeat(81))).toThrow(/at most 80/);
		expect(() => checkPersonName('Ana\u0000Ruiz')).toThrow(/control/);
		expect(() => checkPersonName('Ana (break-glass)')).toThrow(/break-glass/);
		expect(checkPersonName('  Ana   Ruiz ')).toBe('Ana Ruiz');
	});

	it('knows the three roles only', async () => {
		expect(parseRole('on-call')).toBe('on-call');
		expect(() => parseRole('admin')).toThrow(/facilitator, on-call, approver/);
	});

	it('takes the CLI person from HANDBOOK_ACTOR, and refuses a reserved one', async () => {
		expect(cliActorName({ HANDBOOK_ACTOR: 'Ana Ruiz' })).toBe('Ana Ruiz');
		expect(() => cliActorName({ HANDBOOK_ACTOR: 'system' })).toThrow(/HANDBOOK_ACTOR: .*reserved/);
		expect(cliActorName({}).length).toBeGreaterThan(0);
	});

	it('reads invite expiries in days, hours and minutes, within bounds', async () => {
		expect(parseExpiry('7d')).toBe(7 * 86_400_000);
		expect(parseExpiry('12h')).toBe(12 * 3_600_000);
		expect(() => parseExpiry('1m')).toThrow(/between 5m and 90d/);
		expect(() => parseExpiry('91d')).toThrow(/between 5m and 90d/);
		expect(() => parseExpiry('soon')).toThrow(/7d, 12h or 30m/);
	});
});

describe('the authorization table', () => {
	const person = (...roles: Person['roles']): Person => ({ subject: 's', name: 'Ana Ruiz', roles, via: 'invite' });

	it('gives each role its own actions and nothing else', async () => {
		const allowed = (p: Person) => (Object.keys(authorization) as (keyof typeof authorization)[]).filter((a) => may(p, a)).sort();
		expect(allowed(person('facilitator'))).toEqual(['help.act', 'incident.manage', 'run.work', 'runbook.work', 'staff.read', 'workshop.manage']);
		expect(allowed(person('on-call'))).toEqual(['incident.manage', 'runbook.work', 'staff.read']);
		expect(allowed(person('approver'))).toEqual(['run.decide', 'run.sign-off', 'staff.read']);
		expect(allowed(person())).toEqual([]);
		expect(may(null, 'staff.read')).toBe(false);
	});

	it('says which role an action needs and which the person holds', async () => {
		expect(refusalFor(person('facilitator'), 'run.sign-off')).toMatch(/signing a run off needs the approver role; you \(Ana Ruiz\) are signed in as facilitator/);
		expect(refusalFor(person(), 'run.work')).toMatch(/without a role \(a viewer\)/);
	});
});

describe('invites', () => {
	it('signs the invited person in once, with their role, and records their subject in the audit', async () => {
		const { dir, store, auth, people } = await setup();
		const { token, person } = await people.invite('Ana Ruiz', 'approver', { expiresAt: new Date('2026-12-08T10:00:00Z'), by: 'Lead' });
		expect(person).toMatchObject({ name: 'Ana Ruiz', roles: ['approver'], via: 'invite' });
		expect(JSON.stringify(rows(dir, 'invites'))).not.toContain(token);
		const signedIn = await auth.signIn(token, 'ignored', 'link');
		expect(signedIn?.person).toEqual(person);
		expect(await auth.person(signedIn!.cookie)).toEqual(person);
		// Single use.
		expect(await auth.signIn(token, 'ignored', 'link')).toBeNull();
		// An invite is never accepted as the break-glass form token.
		expect(await auth.signIn(token, 'x', 'form')).toBeNull();
		const run = await store.createRun({ checklist: 'pre-workshop', environment: 'local', actor: 'Ana Ruiz' });
		const entry = (await store.auditLog({ runId: run.id }))[0]!;
		expect(entry).toMatchObject({ actor: 'Ana Ruiz', subject: person.subject, action: 'run.start' });
		await store.close();
	});

	it('expires', async () => {
		const { clock, auth, people, store } = await setup();
		const { token } = await people.invite('Ben Ode', 'facilitator', { expiresAt: new Date('2026-12-01T11:00:00Z'), by: 'Lead' });
		clock.now = new Date('2026-12-01T11:00:00Z');
		expect(await auth.signIn(token, '', 'link')).toBeNull();
		await store.close();
	});

	it('keeps names unique: a second invite of a name is the same person with one more role', async () => {
		const { auth, people, store } = await setup();
		const first = await people.invite('Ana Ruiz', 'facilitator', { expiresAt: new Date('2026-12-08T00:00:00Z'), by: 'Lead' });
		const second = await people.invite('ana ruiz', 'approver', { expiresAt: new Date('2026-12-08T00:00:00Z'), by: 'Lead' });
		expect(second.person.subject).toBe(first.person.subject);
		expect(second.person.roles).toEqual(['facilitator', 'approver']);
		expect((await auth.signIn(second.token, '', 'link'))?.person.roles).toEqual(['facilitator', 'approver']);
		// Both links work, once each (the first is not revoked by the second).
		expect((await auth.signIn(first.token, '', 'link'))?.person.name).toBe('Ana Ruiz');
		await store.close();
	});

	it('refuses a name taken by a person who signs in another way', async () => {
		const { people, store } = await setup();
		await people.remember({ subject: 'oidc:123', name: 'Cy Tan', roles: ['on-call'], via: 'oidc' });
		await expect(people.invite('Cy Tan', 'approver', { expiresAt: new Date('2026-12-08T00:00:00Z'), by: 'Lead' })).rejects.toThrow(NameTakenError);
		await expect(people.remember({ subject: 'oidc:456', name: 'cy tan', roles: [], via: 'oidc' })).rejects.toThrow(NameTakenError);
		await store.close();
	});
});

describe('break-glass', () => {
	it('signs in with every role, recorded as break-glass under its own subject', async () => {
		const { auth, store } = await setup();
		const signedIn = await auth.signIn('break-glass-token-for-tests', 'Dee Lin', 'form');
		expect(signedIn?.person).toEqual({ subject: 'break-glass:dee lin', name: 'Dee Lin', roles: ['facilitator', 'on-call', 'approver'], via: 'break-glass' });
		const run = await store.createRun({ checklist: 'pre-workshop', environment: 'local', actor: signedIn!.person.name });
		expect((await store.auditLog({ runId: run.id }))[0]).toMatchObject({ actor: 'Dee Lin', subject: 'break-glass:dee lin' });
		// Not by link.
		expect(await auth.signIn('break-glass-token-for-tests', 'Dee Lin', 'link')).toBeNull();
		await store.close();
	});

	it('never shares a name with an invited person', async () => {
		const { auth, people, store } = await setup();
		const expiresAt = new Date('2026-12-08T00:00:00Z');
		await people.invite('Ana Ruiz', 'approver', { expiresAt, by: 'Lead' });
		expect((await auth.signIn('break-glass-token-for-tests', 'ana ruiz', 'form'))?.person).toMatchObject({ name: 'ana ruiz (break-glass)', subject: 'break-glass:ana ruiz' });
		// An invite of a name first typed at a break-glass sign-in takes it over.
		await auth.signIn('break-glass-token-for-tests', 'Ben Ode', 'form');
		const ben = (await people.invite('Ben Ode', 'facilitator', { expiresAt, by: 'Lead' })).person;
		expect(await people.byName('Ben Ode')).toEqual(ben);
		expect((await people.bySubject('break-glass:ben ode'))?.name).toBe('Ben Ode (break-glass)');
		await store.close();
	});

	it('reads a session made before named people as break-glass', async () => {
		const { auth, store } = await setup();
		const cookie = await store.createSession('facilitator');
		expect(await auth.person(cookie)).toMatchObject({ name: 'facilitator', subject: 'break-glass:facilitator', via: 'break-glass', roles: ['facilitator', 'on-call', 'approver'] });
		await store.close();
	});
});

describe('approvals', () => {
	it('counts each person once, in order, and forgets them when asked', async () => {
		const { people, store } = await setup();
		const run = await store.createRun({ checklist: 'launch', environment: 'local', actor: 'x' });
		const ana: Person = { subject: 'a', name: 'Ana Ruiz', roles: ['approver'], via: 'invite' };
		const ben: Person = { subject: 'b', name: 'Ben Ode', roles: ['approver'], via: 'invite' };
		expect(await people.approve(run.id, ana)).toBe(true);
		expect(await people.approve(run.id, ana)).toBe(false);
		expect(await people.approve(run.id, ben)).toBe(true);
		expect((await people.approvals(run.id)).map((a) => a.name)).toEqual(['Ana Ruiz', 'Ben Ode']);
		await people.clearApprovals(run.id);
		expect(await people.approvals(run.id)).toEqual([]);
		await store.close();
	});
});
