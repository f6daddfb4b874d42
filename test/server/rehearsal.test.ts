import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/server/app.ts';
import { RequestError } from '../../src/server/request-error.ts';

// A fake clock: the rehearsal's time moves only when the test says so.
let clock = new Date('2026-12-01T15:00:00.000Z');
const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));
let app: App;
const probes: string[] = [];

beforeAll(async () => {
	// The shipped config: real targets (ai.coder.com) that a rehearsal must never contact.
	app = await createApp({ dataDir: mkdtempSync(join(tmpdir(), 'handbook-rehearsal-')), now: () => clock, onProbe: (id) => probes.push(id) });
});
afterAll(async () => {
	app.events.close();
	await app.store.close();
});

describe('a rehearsal run', () => {
	let runId = '';

	it('starts on the scenario’s runbook page', async () => {
		const run = await app.service.startRun({ scenario: 'workspace-restart-loop' }, 'ic');
		runId = run.id;
		expect(run).toMatchObject({ checklist: 'rb-restart-loop', scenario: 'workspace-restart-loop', environment: 'ai.coder.com' });
		await expect(app.service.startRun({ scenario: 'no-such-scenario' }, 'ic')).rejects.toThrow(RequestError);
	});

	it('answers each check healthy before its inject and scripted after, never probing', async () => {
		advance(1);
		const [before] = await app.service.runCheck(runId, 'workspace-restarts', 'on-call');
		expect(before).toMatchObject({ status: 'pass', message: 'rehearsal: healthy: nothing scripted has happened yet', observed: { scripted: true } });

		advance(2); // +3m: the +2m inject has fired
		const [warn] = await app.service.runCheck(runId, 'workspace-restarts', 'on-call');
		expect(warn).toMatchObject({ status: 'warn', message: 'rehearsal: 3 restarts in 10 minutes: ws-ana: 1, ws-bo: 1, ws-chidi: 1' });

		advance(3); // +6m
		const storage = await app.service.runCheck(runId, 'node-ephemeral-storage', 'on-call');
		expect(storage.map((r) => [r.region, r.status])).toEqual([
			['us-east-2', 'fail'],
			['us-west-2', 'pass'],
			['eu-west-2', 'pass'],
		]);
		expect(storage[0]!.message).toBe('rehearsal: at or above 60%: ip-10-0-3-17 (fullest ip-10-0-3-17 at 88%)');
		expect(probes).toEqual([]);
	});

	it('times every tick and decision into the after-action report', async () => {
		advance(1); // +7m
		await app.service.tick(runId, 'restart-declare', true, 'ic');
		advance(5); // +12m
		await app.service.tick(runId, 'restart-cordon', true, 'on-call');
		advance(3); // +15m
		await app.service.decide(runId, 'go', 'workshop continues on the other nodes', 'ic');
		await app.service.signOff(runId, 'ic');

		const report = await app.service.report(runId);
		expect(report).toMatch(/^# After-action report: /);
		// Declared at +7m against a +5m target: late; cordoned at +12m, on time; never comms: missed.
		expect(report).toMatch(/restart-declare.*late/s);
		expect(report).toMatch(/\+07:00/);
		expect(report).toMatch(/\+12:00/);
		expect(report).toMatch(/missed/i);
		expect(report).toMatch(/go: workshop continues on the other nodes/);
		expect(report).toMatch(/Why did the restarts keep coming/);
	});

	it('refuses a report for a run that is not a rehearsal', async () => {
		const run = await app.service.startRun({ checklist: 'pre-workshop' }, 'ic');
		await expect(app.service.report(run.id)).rejects.toThrow(/is not a rehearsal/);
	});
});
