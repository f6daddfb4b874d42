import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiAnswer, type CallInit } from '../support/api-client.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// The workshop loop's API against the built server: every contract of issue 13 and each bad input.
const token = 'loop-facilitator-token-5d1e';
const month = '2026-12';
let server: RunningServer;
let facilitator = '';

let anonymous: ReturnType<typeof apiClient>;
/** A request with no session (a participant's first visit, a stranger). */
const call = (path: string, init: CallInit = {}) => anonymous.call(path, init);

const asFacilitator = (path: string, init: CallInit = {}) => call(path, { ...init, cookie: facilitator });
/** A participant's browser: its own cookie jar of one cookie. */
function participant() {
	let jar = '';
	return async (path: string, init: CallInit = {}) => {
		const r = await call(path, { ...init, cookie: jar || undefined });
		const set = r.headers.get('set-cookie');
		if (set?.startsWith('handbook_participant=')) jar = set.split(';')[0]!;
		return r;
	};
}

let code = '';
const help = (extra: Record<string, unknown> = {}) => ({ workshop: month, code, github: 'octo-cat', workspace: 'ws-octo', region: 'us-east-2', description: 'My workspace is stuck on "Starting"', ...extra });
const feedback = (extra: Record<string, unknown> = {}) => ({ workshop: month, code, satisfaction: 4, completed: true, subScores: { stability: 3, content: 5, support: 4 }, worked: 'The agent templates', blocked: 'Waited for the workspace', ...extra });

beforeAll(async () => {
	const dataDir = mkdtempSync(join(tmpdir(), 'handbook-loop-api-'));
	server = await startServer({ HANDBOOK_DATA_DIR: dataDir, HANDBOOK_FACILITATOR_TOKEN: token });
	anonymous = apiClient(server.url);
	facilitator = await apiClient(server.url).signIn(token, 'Dana');
});

afterAll(async () => {
	await server?.stop();
});

describe('the workshop code', () => {
	it('is opened by facilitators only and returns the code and when it closes', async () => {
		expect((await call(`/api/workshops/${month}/open`, { json: {} })).status).toBe(401);
		const opened = await asFacilitator(`/api/workshops/${month}/open`, { json: { minutes: 120 } });
		expect(opened.status).toBe(201);
		expect(opened.body.code).toMatch(/^[A-Z2-9]{6}$/);
		const closesIn = Date.parse(opened.body.closesAt) - Date.now();
		expect(closesIn).toBeGreaterThan(110 * 60_000);
		expect(closesIn).toBeLessThanOrEqual(120 * 60_000);
		code = opened.body.code;
	});

	it('refuses a bad month and a bad duration, naming them', async () => {
		const month13 = await asFacilitator('/api/workshops/2026-13/open', { json: {} });
		expect(month13.status).toBe(400);
		expect(month13.body.error).toMatch(/workshop/);
		const tooLong = await asFacilitator(`/api/workshops/${month}/open`, { json: { minutes: 99999 } });
		expect(tooLong.status).toBe(400);
		expect(tooLong.body.error).toMatch(/^minutes:/);
		// A refused reissue leaves the open code as it was.
		expect((await asFacilitator(`/api/workshops/${month}`)).body.code).toMatchObject({ code, open: true });
	});
});

describe('help requests', () => {
	const alice = participant();
	const bob = participant();
	let id = '';
	let secret = '';

	it('takes a request with the code → 201 { id } and a secret for its sender', async () => {
		const r = await alice('/api/help', { json: help({ error: 'Error: <script>alert(1)</script> timed out' }) });
		expect(r.status).toBe(201);
		expect(r.body.id).toMatch(/^[A-Za-z0-9]+$/);
		id = r.body.id;
		secret = r.body.secret;
		expect(secret.length).toBeGreaterThan(16);
	});

	it('accepts the code in lower case with spaces', async () => {
		const r = await bob('/api/help', { json: help({ code: ` ${code.toLowerCase().slice(0, 3)} ${code.toLowerCase().slice(3)} `, github: '@bob' }) });
		expect(r.status).toBe(201);
	});

	it('shows the sender their own state and nobody else anything', async () => {
		const own = await alice(`/api/help/${id}`, { headers: { 'x-help-secret': secret } });
		expect(own.status).toBe(200);
		expect(own.body.help).toEqual({ id, state: 'open', createdAt: expect.any(String), claimedAt: null, resolvedAt: null });
		for (const r of [await bob(`/api/help/${id}`), await bob(`/api/help/${id}`, { headers: { 'x-help-secret': 'guess-guess-guess-guess' } }), await bob('/api/help/nope', { headers: { 'x-help-secret': secret } })]) {
			expect(r.status).toBe(404);
			expect(r.text).not.toContain('octo');
		}
		expect((await bob(`/api/help?workshop=${month}`)).status).toBe(401);
	});

	it('refuses a wrong code with 403 in plain words, and stores nothing', async () => {
		const r = await alice('/api/help', { json: help({ code: 'WRONG1' }) });
		expect(r.status).toBe(403);
		expect(r.body.error).toBe('That workshop code is not right. Check the code shown in the room and type it again.');
		const other = await alice('/api/help', { json: help({ workshop: '2026-11' }) });
		expect(other.status).toBe(403);
		expect((await asFacilitator(`/api/workshops/${month}/summary`)).body.help.requests).toBe(2);
	});

	it('refuses oversized fields with 413 and bad values with 400, naming the field', async () => {
		const big = await bob('/api/help', { json: help({ description: 'x'.repeat(2001) }) });
		expect(big.status).toBe(413);
		expect(big.body.error).toMatch(/^description is too long: at most 2000 characters/);
		const bigError = await bob('/api/help', { json: help({ error: 'e'.repeat(4001) }) });
		expect(bigError.status).toBe(413);
		expect(bigError.body.error).toMatch(/^error is too long/);
		const body = await bob('/api/help', { json: { ...help(), description: 'y'.repeat(15_000), error: 'z'.repeat(3000) } });
		expect(body.status).toBe(413);
		const handle = await bob('/api/help', { json: help({ github: 'not a handle!' }) });
		expect(handle.status).toBe(400);
		expect(handle.body.error).toMatch(/^github:/);
		const missing = await bob('/api/help', { json: { workshop: month, code } });
		expect(missing.status).toBe(400);
		expect(missing.body.error).toMatch(/github/);
		expect(missing.body.error).toMatch(/description/);
		const extra = await bob('/api/help', { json: help({ admin: true }) });
		expect(extra.status).toBe(400);
		expect((await bob('/api/help', { body: 'description=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
		expect((await asFacilitator(`/api/workshops/${month}/summary`)).body.help.requests).toBe(2);
	});

	it('is claimed and resolved by a helper, keeping its times', async () => {
		expect((await alice(`/api/help/${id}`, { json: { action: 'claim' } })).status).toBe(401);
		const claimed = await asFacilitator(`/api/help/${id}`, { json: { action: 'claim' } });
		expect(claimed.status).toBe(200);
		expect(claimed.body.help).toMatchObject({ state: 'claimed', claimedBy: 'Dana' });
		expect((await alice(`/api/help/${id}`, { headers: { 'x-help-secret': secret } })).body.help.state).toBe('claimed');
		const resolved = await asFacilitator(`/api/help/${id}`, { json: { action: 'resolve', resolution: 'Restarted the workspace', followUp: true } });
		expect(resolved.body.help).toMatchObject({ state: 'resolved', resolvedBy: 'Dana', followUp: true, claimedAt: claimed.body.help.claimedAt });
		expect(Date.parse(resolved.body.help.resolvedAt)).toBeGreaterThanOrEqual(Date.parse(resolved.body.help.createdAt));
		const again = await asFacilitator(`/api/help/${id}`, { json: { action: 'resolve' } });
		expect(again.status).toBe(409);
		const own = await alice(`/api/help/${id}`, { headers: { 'x-help-secret': secret } });
		expect(own.body.help).toMatchObject({ state: 'resolved', resolvedAt: resolved.body.help.resolvedAt });
		const list = await asFacilitator(`/api/help?workshop=${month}`);
		expect(list.body.help).toHaveLength(2);
		// Stored as given: the error text comes back as text, for the board to show as text.
		expect(list.body.help[0].error).toBe('Error: <script>alert(1)</script> timed out');
	});

	it('limits each browser (429 with Retry-After), and the refusals store nothing', async () => {
		const carol = participant();
		const before = (await asFacilitator(`/api/workshops/${month}/summary`)).body.help.requests;
		const replies: ApiAnswer[] = [];
		for (let i = 0; i < 14; i++) replies.push(await carol('/api/help', { json: help({ github: `carol${i}` }) }));
		const statuses = replies.map((r) => r.status);
		expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(10);
		const limited = replies.find((r) => r.status === 429)!;
		expect(limited).toBeDefined();
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(limited.body.error).toMatch(/too fast/);
		const after = (await asFacilitator(`/api/workshops/${month}/summary`)).body.help.requests;
		expect(after - before).toBe(statuses.filter((s) => s === 201).length);
	});
});

describe('feedback', () => {
	const dave = participant();
	it('takes one response per browser → 201, and keeps the first', async () => {
		const r = await dave('/api/feedback', { json: feedback({ worked: '<img src=x onerror=alert(1)> the agents' }) });
		expect(r.status).toBe(201);
		const second = await dave('/api/feedback', { json: feedback({ satisfaction: 1 }) });
		expect(second.status).toBe(409);
		expect(second.body.error).toMatch(/already sent from this browser/);
		const s = (await asFacilitator(`/api/workshops/${month}/summary`)).body.feedback;
		expect(s).toMatchObject({ responses: 1, satisfaction: 4 });
	});

	it('refuses out-of-range values (400) and oversized text (413), naming the field, storing nothing', async () => {
		const erin = participant();
		for (const [bad, field] of [
			[{ satisfaction: 6 }, 'satisfaction'],
			[{ satisfaction: 0 }, 'satisfaction'],
			[{ satisfaction: 3.5 }, 'satisfaction'],
			[{ subScores: { stability: 9, content: 5, support: 4 } }, 'subScores.stability'],
			[{ completed: 'yes' }, 'completed'],
		] as const) {
			const r = await erin('/api/feedback', { json: feedback(bad) });
			expect(r.status, JSON.stringify(bad)).toBe(400);
			expect(r.body.error).toMatch(new RegExp(`^${field.replace('.', '\\.')}`));
		}
		const big = await erin('/api/feedback', { json: feedback({ blocked: 'b'.repeat(2001) }) });
		expect(big.status).toBe(413);
		expect(big.body.error).toMatch(/^blocked is too long/);
		expect((await erin('/api/feedback', { json: feedback({ code: 'AAAAAA' }) })).status).toBe(403);
		expect((await asFacilitator(`/api/workshops/${month}/summary`)).body.feedback.responses).toBe(1);
		// The same browser can still answer once after its refusals.
		expect((await erin('/api/feedback', { json: feedback({ satisfaction: 5, completed: false, subScores: { stability: 5, content: 4, support: 5 }, github: 'erin' }) })).status).toBe(201);
		const s = (await asFacilitator(`/api/workshops/${month}/summary`)).body.feedback;
		expect(s).toEqual({ responses: 2, satisfaction: 4.5, subScores: { stability: 4, content: 4.5, support: 4.5 }, completion: 50, completed: 1 });
	});
});

describe('incidents', () => {
	let id = '';
	it('are declared by facilitators only; a commander is required for P0 and P1', async () => {
		expect((await call('/api/incidents', { json: { workshop: month, severity: 'P2', title: 'x' } })).status).toBe(401);
		const noIc = await asFacilitator('/api/incidents', { json: { workshop: month, severity: 'P1', title: 'Image pulls failing in London' } });
		expect(noIc.status).toBe(400);
		expect(noIc.body.error).toBe('commander: an incident commander is required for P1');
		const badSev = await asFacilitator('/api/incidents', { json: { workshop: month, severity: 'P5', title: 'x' } });
		expect(badSev.status).toBe(400);
		expect(badSev.body.error).toMatch(/^severity:/);
		const badRunbook = await asFacilitator('/api/incidents', { json: { workshop: month, severity: 'P2', title: 'x', runbook: 'https://evil.example/' } });
		expect(badRunbook.body.error).toMatch(/^runbook:/);
		const longTitle = await asFacilitator('/api/incidents', { json: { workshop: month, severity: 'P2', title: 't'.repeat(201) } });
		expect(longTitle.status).toBe(413);
		const noRun = await asFacilitator('/api/incidents', { json: { workshop: month, severity: 'P2', title: 'x', run: 'doesnotexist' } });
		expect(noRun.status).toBe(404);
		const r = await asFacilitator('/api/incidents', { json: { workshop: month, severity: 'P1', title: 'Image pulls failing in London', runbook: '/incidents/image-pull-failure/', commander: 'Sam' } });
		expect(r.status).toBe(201);
		expect(r.body.incident).toMatchObject({ id: expect.any(String), severity: 'P1', status: 'investigating', commander: 'Sam', declaredBy: 'Dana', userVisible: true, resolvedAt: null });
		id = r.body.incident.id;
	});

	it('take status updates with the participant message, and notes', async () => {
		const bad = await asFacilitator(`/api/incidents/${id}/updates`, { json: { status: 'panicking' } });
		expect(bad.status).toBe(400);
		expect(bad.body.error).toMatch(/^status:/);
		const u = await asFacilitator(`/api/incidents/${id}/updates`, { json: { status: 'identified', note: 'ECR mirror missing the tag', message: 'New workspaces fail to start right now. Your files are fine.' } });
		expect(u.status).toBe(201);
		expect(u.body.incident.status).toBe('identified');
		await asFacilitator(`/api/incidents/${id}/updates`, { json: { status: 'note', note: 'Mirrored the tag by hand' } });
		const m = await asFacilitator(`/api/incidents/${id}/updates`, { json: { status: 'monitoring' } });
		expect(m.body.incident.updates.map((x: { status: string }) => x.status)).toEqual(['investigating', 'identified', 'note', 'monitoring']);
		expect(m.body.incident.updates[1].message).toBe('New workspaces fail to start right now. Your files are fine.');
		expect((await asFacilitator('/api/incidents/nope/updates', { json: { status: 'identified' } })).status).toBe(404);
	});

	it('resolve with the duration; a resolved incident takes no more updates', async () => {
		const r = await asFacilitator(`/api/incidents/${id}/resolve`, { json: { note: 'All regions pull again' } });
		expect(r.status).toBe(200);
		expect(r.body.incident).toMatchObject({ status: 'resolved', resolvedBy: 'Dana', followUp: true });
		expect(r.body.durationMinutes).toBeGreaterThanOrEqual(0);
		expect(r.body.incident.durationMinutes).toBe(r.body.durationMinutes);
		expect((await asFacilitator(`/api/incidents/${id}/updates`, { json: { status: 'identified' } })).status).toBe(409);
		expect((await asFacilitator(`/api/incidents/${id}/resolve`, { json: {} })).status).toBe(409);
		const p3 = await asFacilitator('/api/incidents', { json: { workshop: month, severity: 'P3', title: 'Typo on the agenda slide' } });
		expect(p3.body.incident.userVisible).toBe(false);
	});

	it('are listed per workshop and with their timeline, for facilitators only', async () => {
		expect((await call(`/api/incidents?workshop=${month}`)).status).toBe(401);
		expect((await asFacilitator('/api/incidents?workshop=december')).status).toBe(400);
		const list = await asFacilitator(`/api/incidents?workshop=${month}`);
		expect(list.body.incidents.map((i: { severity: string }) => i.severity)).toEqual(['P1', 'P3']);
		const one = await asFacilitator(`/api/incidents/${id}`);
		expect(one.body.timeline.map((t: { kind: string }) => t.kind)).toEqual(['update', 'update', 'note', 'update', 'update']);
	});

	it('refuse to link a rehearsal run: scripted incidents do not count', async () => {
		const rehearsal = await asFacilitator('/api/runs', { json: { scenario: 'image-pull-failure', workshop: month } });
		expect(rehearsal.status).toBe(201);
		const r = await asFacilitator('/api/incidents', { json: { workshop: month, severity: 'P2', title: 'scripted', run: rehearsal.body.run.id } });
		expect(r.status).toBe(409);
		expect(r.body.error).toMatch(/is a rehearsal \(scenario image-pull-failure\)/);
	});

	it('merge the linked run\'s ticks into the timeline', async () => {
		const run = await asFacilitator('/api/runs', { json: { checklist: 'rb-image-pull', workshop: month } });
		expect(run.status).toBe(201);
		const inc = await asFacilitator('/api/incidents', { json: { workshop: month, severity: 'P2', title: 'Real World App image missing', runbook: '/incidents/image-pull-failure/', run: run.body.run.id } });
		expect(inc.status).toBe(201);
		const tick = await asFacilitator(`/api/runs/${run.body.run.id}/items/image-declare`, { json: { checked: true } });
		expect(tick.status).toBe(200);
		await asFacilitator(`/api/incidents/${inc.body.incident.id}/updates`, { json: { status: 'note', note: 'switched the room to Claude template' } });
		const t = (await asFacilitator(`/api/incidents/${inc.body.incident.id}`)).body.timeline;
		expect(t.map((e: { kind: string; text: string }) => `${e.kind}:${e.text}`)).toEqual(['update:investigating', 'tick:ticked image-declare', 'note:switched the room to Claude template'].map((s) => (s === 'update:investigating' ? 'update:declared P2' : s)));
	});
});

describe('the summary', () => {
	it('is refused to anonymous readers and to a participant', async () => {
		expect((await call(`/api/workshops/${month}/summary`)).status).toBe(401);
		expect((await call(`/api/workshops/${month}/summary`, { cookie: 'handbook_session=forged' })).status).toBe(401);
		expect((await call(`/api/workshops/${month}/events`)).status).toBe(401);
	});

	it('has the shape of the issue', async () => {
		const s = (await asFacilitator(`/api/workshops/${month}/summary`)).body;
		expect(s.feedback).toMatchObject({ responses: 2, satisfaction: 4.5, subScores: { stability: 4, content: 4.5, support: 4.5 }, completion: 50 });
		expect(s.incidents).toMatchObject({ total: 3, bySeverity: { P0: 0, P1: 1, P2: 1, P3: 1 }, userVisible: 2 });
		expect(s.incidents.durations).toHaveLength(3);
		expect(s.incidents.durations[0]).toMatchObject({ severity: 'P1', minutes: expect.any(Number) });
		expect(s.help).toMatchObject({ resolved: 1, medianMinutes: expect.any(Number), p90Minutes: expect.any(Number) });
		expect(s.help.requests).toBeGreaterThanOrEqual(7);
	});
});

describe('the live feed', () => {
	it('streams a new help request to a facilitator\'s board', async () => {
		const ctrl = new AbortController();
		const res = await fetch(`${server.url}/api/workshops/${month}/events`, { headers: { cookie: facilitator }, signal: ctrl.signal });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
		const reader = res.body!.getReader();
		let seen = '';
		const sent = await participant()('/api/help', { json: help({ github: 'livefeed', description: 'Live one' }) });
		expect(sent.status).toBe(201);
		const deadline = Date.now() + 10_000;
		while (!seen.includes(sent.body.id) && Date.now() < deadline) {
			const { value, done } = await reader.read();
			if (done) break;
			seen += new TextDecoder().decode(value);
		}
		ctrl.abort();
		expect(seen).toMatch(/event: help/);
		expect(seen).toContain('"github":"livefeed"');
	});
});

describe('closing the code', () => {
	it('closes and reissues: a closed or replaced code is refused, nothing stored is lost', async () => {
		const closed = await asFacilitator(`/api/workshops/${month}/close`, { json: {} });
		expect(closed.status).toBe(200);
		const refused = await participant()('/api/feedback', { json: feedback() });
		expect(refused.status).toBe(403);
		expect(refused.body.error).toMatch(/no longer open/);
		const reissued = await asFacilitator(`/api/workshops/${month}/open`, { json: {} });
		expect(reissued.body.code).not.toBe(code);
		expect((await participant()('/api/feedback', { json: feedback() })).status).toBe(403);
		code = reissued.body.code;
		expect((await participant()('/api/feedback', { json: feedback() })).status).toBe(201);
		expect((await asFacilitator(`/api/workshops/${month}/summary`)).body.feedback.responses).toBe(3);
	});
});
