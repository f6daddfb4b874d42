import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecklistRegistry } from '../../src/checklists/registry.ts';
import { handbook as cli } from '../support/cli.ts';
import { startHandbook, type Handbook } from './edge-harness.ts';

// Issue 14: named people with roles. Each person is invited with `handbook invite` (the CLI,
// against the server's data directory), signs in by their link, and every mutating endpoint is
// tried by every role: the table says what each must answer.
type Who = 'viewer' | 'facilitator' | 'on-call' | 'approver';
const everyone: Who[] = ['viewer', 'facilitator', 'on-call', 'approver'];

let h: Handbook;
let env: Record<string, string>;
const cookies: Record<string, string> = {};
let admin = '';

const registry = new ChecklistRegistry();
const checklistItem = registry.get('pre-workshop')!.items[0]!.id;
const runbookItem = registry.get('rb-restart-loop')!.items[0]!.id;

async function invite(name: string, args: string[]) {
	return cli(['invite', name, ...args], env);
}

/** Opens an invite link as a browser would: 303 to `next`, with the session cookie. */
async function openLink(link: string): Promise<{ status: number; cookie: string | null; location: string | null; text: string }> {
	const res = await fetch(link, { redirect: 'manual' });
	return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? null, location: res.headers.get('location'), text: await res.text() };
}

const linkOf = (stdout: string) => /http:\/\/\S+\/api\/session\?token=\S+/.exec(stdout)![0];

function as(who: Who | 'admin') {
	const cookie = who === 'admin' ? admin : who === 'viewer' ? '' : cookies[who]!;
	return (path: string, json?: unknown) => h.api(path, { method: 'POST', json: json ?? {}, headers: cookie ? { cookie } : { cookie: 'none=1' } });
}

async function newRun(checklist: string, extra: Record<string, unknown> = {}): Promise<string> {
	const res = await as('admin')('/api/runs', { checklist, environment: 'local', ...extra });
	if (res.status !== 201) throw new Error(`cannot start a run of ${checklist}: ${res.status} ${res.text}`);
	return res.body.run.id;
}

async function decided(checklist = 'pre-workshop'): Promise<string> {
	const id = await newRun(checklist);
	const res = await as('approver')(`/api/runs/${id}/decision`, { decision: 'go', note: 'go against the computed verdict: a rehearsal of the sign-off' });
	if (res.status !== 200) throw new Error(`cannot decide: ${res.status} ${res.text}`);
	return id;
}

async function incident(): Promise<string> {
	return (await as('admin')('/api/incidents', { workshop: '2026-12', severity: 'P2', title: 'Slow builds' })).body.incident.id;
}

async function helpRequest(): Promise<string> {
	const opened = await as('admin')('/api/workshops/2026-12/open', {});
	const res = await h.api('/api/help', { method: 'POST', json: { workshop: '2026-12', code: opened.body.code, github: 'octocat', workspace: 'ws', region: 'us-east-2', description: 'stuck' } });
	if (res.status !== 201) throw new Error(`cannot ask for help: ${res.status} ${res.text}`);
	return res.body.id;
}

/** role × mutating endpoint → status. Each row makes a fresh target for each person, so one person's change cannot decide another's answer. */
const table: { endpoint: string; target: () => Promise<{ path: string; body?: unknown }>; expect: Record<Who, number> }[] = [
	{ endpoint: 'POST /api/runs (checklist)', target: async () => ({ path: '/api/runs', body: { checklist: 'pre-workshop', environment: 'local' } }), expect: { viewer: 401, facilitator: 201, 'on-call': 403, approver: 403 } },
	{ endpoint: 'POST /api/runs (runbook)', target: async () => ({ path: '/api/runs', body: { checklist: 'rb-restart-loop', environment: 'local' } }), expect: { viewer: 401, facilitator: 201, 'on-call': 201, approver: 403 } },
	{ endpoint: 'POST /api/runs/:id/items/:item (checklist)', target: async () => ({ path: `/api/runs/${await newRun('pre-workshop')}/items/${checklistItem}`, body: { checked: true } }), expect: { viewer: 401, facilitator: 200, 'on-call': 403, approver: 403 } },
	{ endpoint: 'POST /api/runs/:id/items/:item (runbook)', target: async () => ({ path: `/api/runs/${await newRun('rb-restart-loop')}/items/${runbookItem}`, body: { checked: true } }), expect: { viewer: 401, facilitator: 200, 'on-call': 200, approver: 403 } },
	{ endpoint: 'POST /api/runs/:id/checks/:check', target: async () => ({ path: `/api/runs/${await newRun('pre-workshop')}/checks/litellm-ready` }), expect: { viewer: 401, facilitator: 200, 'on-call': 403, approver: 403 } },
	{ endpoint: 'POST /api/runs/:id/decision', target: async () => ({ path: `/api/runs/${await newRun('pre-workshop')}/decision`, body: { decision: 'no-go', note: 'blocked' } }), expect: { viewer: 401, facilitator: 403, 'on-call': 403, approver: 200 } },
	{ endpoint: 'POST /api/runs/:id/sign-off', target: async () => ({ path: `/api/runs/${await decided()}/sign-off` }), expect: { viewer: 401, facilitator: 403, 'on-call': 403, approver: 200 } },
	{ endpoint: 'POST /api/workshops/:month/open', target: async () => ({ path: '/api/workshops/2026-11/open' }), expect: { viewer: 401, facilitator: 201, 'on-call': 403, approver: 403 } },
	{ endpoint: 'POST /api/workshops/:month/close', target: async () => ({ path: '/api/workshops/2026-11/close' }), expect: { viewer: 401, facilitator: 200, 'on-call': 403, approver: 403 } },
	{ endpoint: 'POST /api/incidents', target: async () => ({ path: '/api/incidents', body: { workshop: '2026-12', severity: 'P3', title: 'Docs typo' } }), expect: { viewer: 401, facilitator: 201, 'on-call': 201, approver: 403 } },
	{ endpoint: 'POST /api/incidents/:id/updates', target: async () => ({ path: `/api/incidents/${await incident()}/updates`, body: { status: 'identified' } }), expect: { viewer: 401, facilitator: 201, 'on-call': 201, approver: 403 } },
	{ endpoint: 'POST /api/incidents/:id/resolve', target: async () => ({ path: `/api/incidents/${await incident()}/resolve` }), expect: { viewer: 401, facilitator: 200, 'on-call': 200, approver: 403 } },
	{ endpoint: 'POST /api/help/:id', target: async () => ({ path: `/api/help/${await helpRequest()}`, body: { action: 'claim' } }), expect: { viewer: 401, facilitator: 200, 'on-call': 403, approver: 403 } },
];

beforeAll(async () => {
	h = await startHandbook({
		// A facilitator-only check that fails fast (nothing listens on port 9): its answer is a result, 200.
		checks: [{ id: 'litellm-ready', title: 'LiteLLM ready', kind: 'http', timeoutMs: 2000, runbook: '/incidents/ai-gateway-auth-failure/#diagnosis', params: { url: 'http://127.0.0.1:9/ready' }, outcomes: [{ status: 'pass', message: 'ok' }] }],
		env: { HANDBOOK_SITE_URL: 'http://127.0.0.1' },
	});
	env = { HANDBOOK_DATA_DIR: h.dataDir, HANDBOOK_CONFIG: join(h.dataDir, 'handbook.config.ts'), HANDBOOK_SITE_URL: h.url, HANDBOOK_ACTOR: 'Lead Person' };
	for (const [who, name] of [['facilitator', 'Fay Cole'], ['on-call', 'Oni Carr'], ['approver', 'Ana Ruiz']] as const) {
		const made = await invite(name, ['--role', who]);
		expect(made.code, made.stderr).toBe(0);
		const opened = await openLink(linkOf(made.stdout));
		expect(opened.status).toBe(303);
		cookies[who] = opened.cookie!;
	}
	admin = await h.signIn();
}, 120_000);

afterAll(async () => {
	await h?.stop();
});

describe('invites by the CLI', () => {
	it('signs the person in with their name and role; the link works once', async () => {
		const made = await invite('Ben Ode', ['--role', 'approver', '--expires', '2d']);
		expect(made.code).toBe(0);
		expect(made.stdout).toMatch(/Ben Ode is invited as approver/);
		const link = linkOf(made.stdout);
		const first = await openLink(`${link}&next=${encodeURIComponent('/checklists/launch/')}`);
		expect(first.status).toBe(303);
		expect(first.location).toBe('/checklists/launch/');
		const me = await h.api('/api/session', { headers: { cookie: first.cookie! } });
		expect(me.body).toMatchObject({ signedIn: true, name: 'Ben Ode', roles: ['approver'], via: 'invite' });
		const again = await openLink(link);
		expect(again.status).toBe(401);
		expect(again.cookie).toBeNull();
		expect(again.text).toMatch(/does not work any more/);
	});

	it.each(['system', 'anonymous', 'Scenario'])('refuses the reserved name %j with exit 2', async (name) => {
		const made = await invite(name, ['--role', 'facilitator']);
		expect(made.code).toBe(2);
		expect(made.stderr).toMatch(/reserved/);
		expect(made.stdout).not.toMatch(/token=/);
	});

	it('refuses an unknown role, a missing role and a bad expiry with exit 2', async () => {
		expect((await invite('Dee Lin', ['--role', 'admin'])).stderr).toMatch(/unknown role "admin"/);
		expect((await invite('Dee Lin', [])).code).toBe(2);
		expect((await invite('Dee Lin', ['--role', 'approver', '--expires', 'forever'])).code).toBe(2);
	});

	it('refuses HANDBOOK_ACTOR=system with exit 2', async () => {
		const made = await cli(['invite', 'Dee Lin', '--role', 'approver'], { ...env, HANDBOOK_ACTOR: 'system' });
		expect(made.code).toBe(2);
		expect(made.stderr).toMatch(/HANDBOOK_ACTOR: .*reserved/);
	});

	it('refuses a reserved name for break-glass sign-in too', async () => {
		const res = await h.api('/api/session', { method: 'POST', json: { token: 'whatever', name: 'system' } });
		expect(res.status).toBe(400);
		expect(res.body.error).toMatch(/reserved/);
	});
});

describe('role × mutating endpoint', () => {
	for (const row of table) {
		it(`${row.endpoint}: ${everyone.map((w) => `${w} ${row.expect[w]}`).join(', ')}`, async () => {
			const got: Record<string, number> = {};
			for (const who of everyone) {
				const { path, body } = await row.target();
				const res = await as(who)(path, body);
				got[who] = res.status;
				if (res.status === 403) expect(res.body.error).toMatch(/needs the .* role; you \(.+\) are signed in as/);
			}
			expect(got).toEqual(row.expect);
		});
	}
});

describe('the record names the person', () => {
	it('ticks, decisions, sign-offs and audit entries carry the name, and the audit the subject', async () => {
		const id = await newRun('rb-restart-loop');
		expect((await as('on-call')(`/api/runs/${id}/items/${runbookItem}`, { checked: true })).status).toBe(200);
		expect((await as('approver')(`/api/runs/${id}/decision`, { decision: 'go', note: 'go against the computed verdict: a rehearsal of the sign-off' })).status).toBe(200);
		const signed = await as('approver')(`/api/runs/${id}/sign-off`);
		expect(signed.status).toBe(200);
		expect(signed.body.run).toMatchObject({ decidedBy: 'Ana Ruiz', signedOffBy: 'Ana Ruiz' });
		const view = (await h.api(`/api/runs/${id}`)).body;
		expect(view.ticks[0]).toMatchObject({ itemId: runbookItem, by: 'Oni Carr' });
		expect(view.approvals).toEqual([{ name: 'Ana Ruiz', at: expect.stringMatching(/^2\d{3}-/) }]);
		const db = new DatabaseSync(join(h.dataDir, 'handbook.sqlite'), { readOnly: true });
		try {
			const rows = db.prepare('SELECT actor, subject, action FROM audit WHERE run_id = ? ORDER BY id').all(id) as { actor: string; subject: string | null; action: string }[];
			expect(rows.map((r) => [r.actor, r.action])).toEqual([
				['Security test', 'run.start'],
				['Oni Carr', 'item.tick'],
				['Ana Ruiz', 'run.decide'],
				['Ana Ruiz', 'run.sign-off'],
			]);
			expect(rows[0]!.subject).toBe('break-glass:security test');
			expect(rows[1]!.subject).toMatch(/^invite:[0-9a-f-]{36}$/);
			expect(rows[2]!.subject).toBe(rows[3]!.subject);
			expect(rows[2]!.subject).not.toBe(rows[1]!.subject);
		} finally {
			db.close();
		}
	});

	it("a facilitator's sign-off is refused with a message saying why", async () => {
		const res = await as('facilitator')(`/api/runs/${await decided()}/sign-off`);
		expect(res.status).toBe(403);
		expect(res.body.error).toBe('signing a run off needs the approver role; you (Fay Cole) are signed in as facilitator. Ask whoever runs the handbook for an invite with that role.');
	});
});

describe('a gate checklist with two approvers', () => {
	it('takes two different approvers, shows both, and forgets approvals of a changed decision', async () => {
		const made = await invite('Ben Two', ['--role', 'approver']);
		const ben = (await openLink(linkOf(made.stdout))).cookie!;
		const byBen = (path: string, json: unknown = {}) => h.api(path, { method: 'POST', json, headers: { cookie: ben } });
		const id = await decided('launch-readiness');
		const first = await as('approver')(`/api/runs/${id}/sign-off`);
		expect(first.status).toBe(202);
		expect(first.body).toMatchObject({ approversNeeded: 2, approvals: [{ name: 'Ana Ruiz' }], run: { signedOffAt: null } });
		const twice = await as('approver')(`/api/runs/${id}/sign-off`);
		expect(twice.status).toBe(409);
		expect(twice.body.error).toMatch(/already approved this run; it needs 2 different approvers/);
		// A new decision: the approval given to the old one no longer counts.
		expect((await byBen(`/api/runs/${id}/decision`, { decision: 'no-go', note: 'rollback untested' })).status).toBe(200);
		expect((await h.api(`/api/runs/${id}`)).body.approvals).toEqual([]);
		expect((await as('approver')(`/api/runs/${id}/sign-off`)).status).toBe(202);
		const second = await byBen(`/api/runs/${id}/sign-off`);
		expect(second.status).toBe(200);
		expect(second.body.run).toMatchObject({ signedOffBy: 'Ben Two', decision: 'no-go' });
		const view = (await h.api(`/api/runs/${id}`)).body;
		expect(view.approvals.map((a: { name: string }) => a.name)).toEqual(['Ana Ruiz', 'Ben Two']);
		expect(view.approversNeeded).toBe(2);
		// Frozen: a third approval is refused.
		expect((await as('admin')(`/api/runs/${id}/sign-off`)).status).toBe(409);
	});
});
