import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecklistRegistry } from '../../src/checklists/registry.ts';
import { apiClient } from '../support/api-client.ts';
import { facilitatorToken, startHandbook } from '../support/handbook.ts';
import type { RunningServer } from '../support/server.ts';
import { openEventStream } from '../support/sse.ts';
import { startHttpServer, type TestServer } from '../support/targets/https-server.ts';

// What a facilitator-only check observes, what a facilitator types: none of it may reach an anonymous reader.
const observedMarker = 'key-alias-spend-7781';
const fieldMarker = 'typed-into-a-field-5521';
const noteMarker = 'decision-note-3344';

let target: TestServer;
let server: RunningServer;
const facilitator = () => apiClient(server.url);
const anonymous = () => apiClient(server.url);
let staff: ReturnType<typeof apiClient>;
let runId = '';
let rehearsalId = '';

/** Both ids are bound on the pre-workshop page: healthz public, litellm-ready facilitator-only. */
function checks() {
	const http = (id: string, path: string, access: 'public' | 'facilitator') => ({
		id, title: id, kind: 'http', access, cacheSeconds: 0, runbook: '/incidents/', params: { url: `${target.url}${path}` },
		outcomes: [{ status: 'warn', when: 'status != 200', message: 'answered {status}' }, { status: 'pass', message: 'saw {body}' }],
	});
	return [http('healthz', '/healthz', 'public'), http('litellm-ready', '/spend', 'facilitator')];
}

beforeAll(async () => {
	target = await startHttpServer((req, res) => void res.end(req.url === '/spend' ? `spend 412.50 USD on ${observedMarker}` : 'OK public'));
	server = (await startHandbook({ checks: checks() })).server;
	staff = facilitator();
	await staff.signIn(facilitatorToken, 'Alice');
	runId = (await staff.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
	expect((await staff.call(`/api/runs/${runId}/checks/healthz`, { method: 'POST' })).status).toBe(200);
	expect((await staff.call(`/api/runs/${runId}/checks/litellm-ready`, { method: 'POST' })).status).toBe(200);
	const withField = new ChecklistRegistry().get('pre-workshop')!.items.find((i) => i.fields.length > 0)!;
	expect((await staff.call(`/api/runs/${runId}/items/${withField.id}`, { json: { field: withField.fields[0]!.name, value: fieldMarker } })).status).toBe(200);
	expect((await staff.call(`/api/runs/${runId}/decision`, { json: { decision: 'no-go', note: noteMarker } })).status).toBe(200);
	rehearsalId = (await staff.call('/api/runs', { json: { scenario: 'ai-gateway-auth-failure' } })).body.run.id;
	expect((await staff.call(`/api/runs/${rehearsalId}/decision`, { json: { decision: 'go', note: noteMarker } })).status).toBe(200);
});

afterAll(async () => {
	await server?.stop();
	await target?.stop();
});

const leaks = (text: string) => [observedMarker, fieldMarker, noteMarker].filter((m) => text.includes(m));

describe('what anonymous readers see of a run', () => {
	it('GET /api/runs/:id: statuses of facilitator-only checks, not their observed values or messages; no field values, no note', async () => {
		const facilitatorView = await staff.call(`/api/runs/${runId}`);
		expect(leaks(facilitatorView.text), 'the facilitator sees everything (the markers are there to leak)').toEqual([observedMarker, fieldMarker, noteMarker]);

		const view = await anonymous().call(`/api/runs/${runId}`);
		expect(view.status).toBe(200);
		expect(leaks(view.text)).toEqual([]);
		const secret = view.body.results.find((r: any) => r.checkId === 'litellm-ready');
		expect(secret).toMatchObject({ status: 'pass', state: 'done', region: null, observed: {}, message: null, hidden: true });
		expect(secret.finishedAt).toEqual(expect.any(String));
		const open = view.body.results.find((r: any) => r.checkId === 'healthz');
		expect(open).toMatchObject({ status: 'pass', message: 'saw OK public', observed: expect.objectContaining({ body: 'OK public' }) });
		expect(open.hidden).toBeUndefined();
		expect(view.body.fields).toEqual([expect.objectContaining({ value: '', hidden: true, by: 'Alice' })]);
		expect(view.body.run).toMatchObject({ decision: 'no-go', decisionNote: null, decidedBy: 'Alice' });
		// The progress an anonymous reader sees is the facilitator's: a field counts as recorded.
		expect(view.body.progress.done).toBe(facilitatorView.body.progress.done);
	});

	it('GET /api/runs: the list of runs carries no decision note', async () => {
		const list = await anonymous().call('/api/runs?checklist=pre-workshop');
		expect(list.body.runs.map((r: any) => r.id)).toContain(runId);
		expect(leaks(list.text)).toEqual([]);
		expect(leaks((await staff.call('/api/runs?checklist=pre-workshop')).text)).toEqual([noteMarker]);
	});

	it('live events: an anonymous stream carries statuses, no observed values, field values or notes', async () => {
		const anon = await openEventStream(`${server.url}/api/runs/${runId}/events`);
		const staffStream = await openEventStream(`${server.url}/api/runs/${runId}/events`, { headers: { cookie: staff.cookie } });
		try {
			// Both caught up on the whole (short) history, then one live change each.
			await anon.until((e) => e.event === 'run.decide');
			await staffStream.until((e) => e.event === 'run.decide');
			expect((await staff.call(`/api/runs/${runId}/checks/litellm-ready`, { method: 'POST' })).status).toBe(200);
			const result = await anon.until((e) => e.event === 'check.result' && Number(e.id) > Number(anon.events.find((x) => x.event === 'run.decide')!.id));
			expect(JSON.parse(result.data).data.results).toEqual([expect.objectContaining({ checkId: 'litellm-ready', status: 'pass', observed: {}, message: null, hidden: true })]);
			await staffStream.until((e) => e.id === result.id);
			expect(leaks(anon.events.map((e) => e.data).join('\n'))).toEqual([]);
			expect(leaks(staffStream.events.map((e) => e.data).join('\n'))).toEqual([observedMarker, fieldMarker, noteMarker]);
		} finally {
			anon.close();
			staffStream.close();
		}
	});

	it('a snapshot (a reader too far behind) is shaped for the reader too', async () => {
		const item = new ChecklistRegistry().get('pre-workshop')!.items.find((i) => !i.checkId && i.fields.length === 0)!;
		// More missed entries than a stream replays one by one (200).
		for (let i = 0; i < 205; i++) expect((await staff.call(`/api/runs/${runId}/items/${item.id}`, { json: { checked: i % 2 === 0 } })).status).toBe(200);
		const anon = await openEventStream(`${server.url}/api/runs/${runId}/events`, { headers: { 'last-event-id': '1' } });
		const staffStream = await openEventStream(`${server.url}/api/runs/${runId}/events`, { headers: { 'last-event-id': '1', cookie: staff.cookie } });
		try {
			const snapshot = JSON.parse((await anon.until((e) => e.event === 'run.snapshot')).data);
			expect(snapshot.results.find((r: any) => r.checkId === 'litellm-ready')).toMatchObject({ status: 'pass', observed: {}, message: null, hidden: true });
			expect(leaks(anon.events.map((e) => e.data).join('\n'))).toEqual([]);
			await staffStream.until((e) => e.event === 'run.snapshot');
			expect(leaks(staffStream.events.map((e) => e.data).join('\n'))).toEqual([observedMarker, fieldMarker, noteMarker]);
		} finally {
			anon.close();
			staffStream.close();
		}
	});

	it('the after-action report of a rehearsal: no decision note for anonymous readers', async () => {
		const anon = await anonymous().call(`/api/runs/${rehearsalId}/report`);
		expect(anon.status).toBe(200);
		expect(anon.text).toMatch(/go/);
		expect(leaks(anon.text)).toEqual([]);
		expect(leaks((await staff.call(`/api/runs/${rehearsalId}/report`)).text)).toEqual([noteMarker]);
	});

	it('/api/metrics without a token configured: statuses of every check, observed values of public checks only', async () => {
		const anon = await anonymous().call('/api/metrics');
		expect(anon.status).toBe(200);
		expect(anon.text).toMatch(/handbook_check_status\{check="litellm-ready",environment="local",region="",status="pass"\} 1/);
		expect(anon.text).toMatch(/handbook_check_observed\{check="healthz",environment="local",region="",value="status"\} 200/);
		expect(anon.text).not.toMatch(/handbook_check_observed\{check="litellm-ready"/);
		expect((await staff.call('/api/metrics')).text).toMatch(/handbook_check_observed\{check="litellm-ready",environment="local",region="",value="status"\} 200/);
	});
});
