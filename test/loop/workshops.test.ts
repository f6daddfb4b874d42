import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { percentile, summarizeWorkshop } from '../../src/records/workshop-summary.ts';
import { RequestError } from '../../src/server/request-error.ts';
import { WorkshopService } from '../../src/server/workshops.ts';
import { openStore, type Store } from '../../src/store/store.ts';

let now = new Date('2026-12-01T16:00:00Z');
const stores: Store[] = [];
async function service() {
	const store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'handbook-loop-')), databaseUrl: undefined, now: () => now });
	stores.push(store);
	return new WorkshopService(store, { now: () => now });
}
afterEach(async () => {
	for (const s of stores.splice(0)) await s.close();
	now = new Date('2026-12-01T16:00:00Z');
});
const refusal = async (fn: () => Promise<unknown>) => {
	try {
		await fn();
	} catch (err) {
		return err as RequestError;
	}
	throw new Error('expected a refusal');
};
const help = { workshop: '2026-12', github: 'octo', workspace: 'ws', region: 'us-east-2', description: 'stuck', error: null };

describe('the workshop code', () => {
	it('expires after its minutes with a message a participant understands', async () => {
		const w = await service();
		const { code, closesAt } = await w.open('2026-12', 'Dana', 90);
		expect(closesAt).toBe('2026-12-01T17:30:00.000Z');
		await expect(w.requestHelp({ ...help, code })).resolves.not.toThrow();
		now = new Date('2026-12-01T17:30:00Z');
		const err = await refusal(async () => await w.requestHelp({ ...help, code }));
		expect(err.status).toBe(403);
		expect(err.message).toMatch(/no longer open.*Ask a facilitator/);
		expect((await w.summary('2026-12')).help.requests).toBe(1);
	});

	it('never uses look-alike characters', async () => {
		const w = await service();
		for (let i = 0; i < 50; i++) expect((await w.open('2026-12', 'Dana')).code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
	});
});

describe('help resolution times', () => {
	it('keep created, claimed and resolved, and give the median and p90', async () => {
		const w = await service();
		const { code } = await w.open('2026-12', 'Dana');
		const ids: Array<{ id: string; minutes: number }> = [];
		for (const minutes of [3, 5, 10, 20]) ids.push({ id: (await w.requestHelp({ ...help, code })).id, minutes });
		const start = now.getTime();
		for (const { id, minutes } of ids) {
			now = new Date(start + 60_000);
			await w.actOnHelp(id, { action: 'claim', resolution: null }, 'Helper');
			now = new Date(start + minutes * 60_000);
			await w.actOnHelp(id, { action: 'resolve', resolution: null }, 'Helper');
		}
		const h = await w.records.help(ids[0]!.id);
		expect(h).toMatchObject({ createdAt: '2026-12-01T16:00:00.000Z', claimedAt: '2026-12-01T16:01:00.000Z', resolvedAt: '2026-12-01T16:03:00.000Z', claimedBy: 'Helper' });
		expect((await w.summary('2026-12')).help).toEqual({ requests: 4, open: 0, resolved: 4, medianMinutes: 5, p90Minutes: 20 });
	});
});

describe('summarizeWorkshop', () => {
	it('gives nulls, not zeros, for what nobody answered', async () => {
		expect(summarizeWorkshop('2026-12', [], [], [])).toMatchObject({ feedback: { responses: 0, satisfaction: null, completion: null }, help: { medianMinutes: null }, incidents: { longestMinutes: null } });
	});

	it('takes the nearest-rank percentile', async () => {
		expect(percentile([1, 2, 3, 4], 50)).toBe(2);
		expect(percentile([4, 1, 3, 2, 10, 9, 8, 7, 6, 5], 90)).toBe(9);
		expect(percentile([], 90)).toBeNull();
	});
});

describe('participantMessages', async () => {
	const { participantMessages } = await import('../../src/records/participant-messages.ts');
	const { readFileSync } = await import('node:fs');
	it('takes the text blocks under Communication → Participants only', async () => {
		const md = ['## Mitigation', '', '```text', 'not this', '```', '', '## Communication', '', '### Internal', '', '```text', 'internal', '```', '', '### Participants', '', '```text', 'We are on it.', 'Next update at $NEXT.', '```', '', '```text', 'Fixed.', '```', '', '## After the incident', '', '```text', 'nor this', '```'].join('\n');
		expect(participantMessages(md)).toEqual(['We are on it.\nNext update at $NEXT.', 'Fixed.']);
	});

	it('finds the templates of every runbook and of the incident response page', async () => {
		for (const page of ['image-pull-failure', 'ai-gateway-auth-failure', 'index']) {
			const found = participantMessages(readFileSync(`src/content/docs/incidents/${page}.mdx`, 'utf8'));
			expect(found.length, page).toBeGreaterThanOrEqual(2);
			for (const t of found) expect(t).not.toMatch(/^\[\$?SEVERITY|^\[P\d\]/);
		}
	});
});

describe('issueDrafts', async () => {
	const { issueDrafts, issuesGh } = await import('../../src/records/retro-issues.ts');
	const { validateRetro } = await import('../../src/records/retro.ts');
	it('drafts open actions without an issue and follow-ups only, offline', async () => {
		const w = await service();
		const { code } = await w.open('2026-12', 'Dana');
		const p1 = await w.declare({ workshop: '2026-12', severity: 'P1', title: "Gateway 401s: it's the key", runbook: '/incidents/ai-gateway-auth-failure/', commander: 'Sam', run: null, note: null }, 'Dana');
		await w.resolve(p1.id, null, 'Dana');
		const p2 = await w.declare({ workshop: '2026-12', severity: 'P2', title: 'One template slow', runbook: null, commander: null, run: null, note: null }, 'Dana');
		await w.resolve(p2.id, null, 'Dana');
		const { id } = await w.requestHelp({ ...help, code, description: 'Uses ``` fences', error: 'E1' });
		await w.actOnHelp(id, { action: 'resolve', resolution: 'restarted', followUp: true }, 'Helper');
		await w.requestHelp({ ...help, code });
		const retro = validateRetro(
			{
				workshop: '2026-12',
				actions: [
					{ title: 'Raise provisioners to 12', owner: 'Ops', due: '2026-12-20', horizon: 'next-workshop' },
					{ title: 'Already tracked', horizon: 'later', issue: 'https://github.com/o/r/issues/1' },
					{ title: 'Done one', horizon: 'later', status: 'done' },
				],
			},
			'x.mdx',
		);
		const drafts = issueDrafts({ workshop: '2026-12', site: 'https://h.example/', retro, incidents: await w.records.incidents('2026-12'), help: await w.records.helpRequests('2026-12') });
		expect(drafts.map((d) => d.title)).toEqual(['[2026-12] Raise provisioners to 12', "[2026-12] P1 incident: Gateway 401s: it's the key", '[2026-12] Participant help: Uses ``` fences']);
		expect(drafts[0]!.labels).toEqual(['workshop-2026-12', 'action-item', 'next-workshop']);
		expect(drafts[1]!.body).toContain('- Runbook: https://h.example/incidents/ai-gateway-auth-failure/');
		// A fence inside the participant's text cannot close the block around it.
		expect(drafts[2]!.body).toContain('````text\nUses ``` fences\n````');
		expect(drafts[2]!.body).not.toContain('octo');
		expect(issuesGh(drafts)).toContain(`--title '[2026-12] P1 incident: Gateway 401s: it'\\''s the key'`);
	});
});
