import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractChecklist } from '../../src/checklists/extract.ts';
import { actionResults, afterActionReport, firedInjects, meaningfulAt, rehearsalStatus, scriptedOutcome, type RehearsalEvent } from '../../src/checklists/rehearsal.ts';
import { parseScenario, scenarioSchema } from '../../src/checklists/scenario.ts';
import { root } from '../support/site.ts';

/** A clock the test moves by hand: rehearsal time in ms since the start. */
class FakeClock {
	now = 0;
	advance(ms: number) {
		this.now += ms;
		return this.now;
	}
}

const scenario = scenarioSchema.parse({
	id: 'drill',
	title: 'Drill',
	runbook: '/incidents/x/',
	durationMinutes: 20,
	narrative: 'Workspaces restart.',
	hiddenCause: 'A full disk.',
	roles: [{ role: 'IC', brief: 'Runs it.' }],
	injects: [
		{ at: '+0m', channel: 'participant report', message: 'My terminal closed.' },
		{ at: '+2m', check: 'workspace-restarts', status: 'warn', observed: { sum: 2 }, message: '{sum} restarts in 10 minutes' },
		{ at: '+4m', check: 'node-ephemeral-storage', region: 'us-east-2', status: 'fail', observed: { maxUsedPercent: 91 }, message: '{region} fullest at {maxUsedPercent}%' },
		{ at: '+6m', check: 'workspace-restarts', status: 'fail', observed: { sum: 9 }, message: '{sum} restarts in 10 minutes' },
	],
	expectedActions: [{ item: 'workspace-restarts', by: '+3m' }, { item: 'declare', by: '+5m' }, 'cordon', { item: 'comms', by: '+8m' }],
	discussionQuestions: ['What told you it was the disk?', 'When would you escalate?'],
});

const items = extractChecklist(
	'## Diagnosis\n\n- [ ] **On-call**: Confirm the restarts <Check id="workspace-restarts" />\n\n## Mitigation\n\n- [ ] **IC**: Declare the incident {/* id: declare */}\n- [ ] **On-call**: Cordon the node {/* id: cordon */}\n- [ ] **Comms**: Post the update {/* id: comms */}\n',
	'x.mdx',
).items;

describe('scriptedOutcome', () => {
	it('is healthy before the inject time and scripted after it, as a fake clock moves', () => {
		const clock = new FakeClock();
		expect(scriptedOutcome(scenario, 'workspace-restarts', null, clock.now)).toEqual({
			checkId: 'workspace-restarts',
			region: null,
			status: 'pass',
			message: 'healthy: nothing scripted has happened yet',
			observed: {},
			inject: null,
			at: null,
			scripted: true,
		});
		clock.advance(119_999);
		expect(scriptedOutcome(scenario, 'workspace-restarts', null, clock.now)?.status).toBe('pass');
		clock.advance(1);
		expect(scriptedOutcome(scenario, 'workspace-restarts', null, clock.now)).toEqual({
			checkId: 'workspace-restarts',
			region: null,
			status: 'warn',
			message: '2 restarts in 10 minutes',
			observed: { sum: 2 },
			inject: 1,
			at: 120,
			scripted: true,
		});
		clock.advance(4 * 60_000);
		expect(scriptedOutcome(scenario, 'workspace-restarts', null, clock.now)).toMatchObject({ status: 'fail', message: '9 restarts in 10 minutes', inject: 3, at: 360 });
	});

	it('scripts a region-specific inject in that region only', () => {
		const at = 5 * 60_000;
		expect(scriptedOutcome(scenario, 'node-ephemeral-storage', 'us-east-2', at)).toMatchObject({ status: 'fail', message: 'us-east-2 fullest at 91%', region: 'us-east-2' });
		expect(scriptedOutcome(scenario, 'node-ephemeral-storage', 'eu-west-2', at)).toMatchObject({ status: 'pass', region: 'eu-west-2', inject: null });
	});

	it('returns null for a check the scenario never mentions', () => {
		expect(scriptedOutcome(scenario, 'healthz', 'us-east-2', 10 * 60_000)).toBeNull();
	});

	it('lists the injects delivered so far', () => {
		expect(firedInjects(scenario, 0).map((f) => f.index)).toEqual([0]);
		expect(firedInjects(scenario, 4 * 60_000).map((f) => f.index)).toEqual([0, 1, 2]);
	});
});

describe('afterActionReport', () => {
	const clock = new FakeClock();
	const events: RehearsalEvent[] = [
		{ at: clock.advance(95_000), type: 'check', checkId: 'node-ephemeral-storage', region: 'us-east-2', status: 'pass', actor: 'on-call' },
		{ at: clock.advance(65_000), type: 'check', checkId: 'workspace-restarts', region: null, status: 'warn', actor: 'on-call' },
		{ at: clock.advance(20_000), type: 'tick', itemId: 'declare', checked: true, actor: 'ic' },
		{ at: clock.advance(60_000), type: 'tick', itemId: 'cordon', checked: true, actor: 'on-call' },
		{ at: clock.advance(30_000), type: 'tick', itemId: 'cordon', checked: false, actor: 'on-call' },
		{ at: clock.advance(45_000), type: 'decision', text: 'Drain ip-10-0-3-17 | after pushes', actor: 'ic' },
		{ at: clock.advance(60_000), type: 'end' },
	];

	it('times each expected action: by tick, or by running the check the item is bound to', () => {
		expect(actionResults(scenario, events, items).map((r) => [r.item, r.doneAt, r.result])).toEqual([
			['workspace-restarts', 160_000, 'on time'],
			['declare', 180_000, 'on time'],
			['cordon', null, 'missed'],
			['comms', null, 'missed'],
		]);
	});

	it('writes the timeline, the times, the missed actions, the questions and the improvement table', () => {
		expect(afterActionReport(scenario, events, { items, startedAt: new Date('2026-05-14T14:00:00Z') })).toBe(`# After-action report: Drill

| | |
| --- | --- |
| Scenario | \`drill\` |
| Runbook | [/incidents/x/](/incidents/x/) |
| Started | 2026-05-14T14:00:00.000Z |
| Duration | 6m 15s (planned 20 min) |
| Injects delivered | 4 of 4 |
| Expected actions | 2 of 4 done, 2 on time |

## Timeline

| Time | Event | By |
| --- | --- | --- |
| +00:00 | Inject (participant report): My terminal closed. | scenario drill (participant report) |
| +01:35 | Ran \`node-ephemeral-storage\` in us-east-2: pass | on-call |
| +02:00 | Inject: \`workspace-restarts\` turns **warn**: 2 restarts in 10 minutes | scenario drill (scripted check) |
| +02:40 | Ran \`workspace-restarts\`: warn | on-call |
| +03:00 | Ticked: IC: Declare the incident (\`declare\`) | ic |
| +04:00 | Inject: \`node-ephemeral-storage\` in us-east-2 turns **fail**: us-east-2 fullest at 91% | scenario drill (scripted check) |
| +04:00 | Ticked: On-call: Cordon the node (\`cordon\`) | on-call |
| +04:30 | Unticked: On-call: Cordon the node (\`cordon\`) | on-call |
| +05:15 | Decision: Drain ip-10-0-3-17 \\| after pushes | ic |
| +06:00 | Inject: \`workspace-restarts\` turns **fail**: 9 restarts in 10 minutes | scenario drill (scripted check) |
| +06:15 | Rehearsal ended |  |

## Time to each expected action

Times are from the start of the rehearsal; the first inject came at +00:00.

| Expected action | Target | Done at | After the first inject | Result |
| --- | --- | --- | --- | --- |
| On-call: Confirm the restarts (\`workspace-restarts\`) | +3m | +02:40 | 2m 40s | on time |
| IC: Declare the incident (\`declare\`) | +5m | +03:00 | 3m 00s | on time |
| On-call: Cordon the node (\`cordon\`) | — | — | — | missed |
| Comms: Post the update (\`comms\`) | +8m | — | — | missed |

## Missed actions

- On-call: Cordon the node (\`cordon\`)
- Comms: Post the update (\`comms\`), expected by +8m

## Discussion questions

1. What told you it was the disk?
2. When would you escalate?

## Improvement plan

Fill in the corrective action, owner and due date in the hot wash; add a row for every other gap found.

| Issue | Corrective action | Owner | Due |
| --- | --- | --- | --- |
| Missed: On-call: Cordon the node (\`cordon\`) | | | |
| Missed: Comms: Post the update (\`comms\`) | | | |
`);
	});

	it('lists late actions in the improvement table and says when nothing was missed', () => {
		const late: RehearsalEvent[] = ['workspace-restarts', 'declare', 'cordon', 'comms'].map((itemId, i) => ({ at: (i + 1) * 4 * 60_000, type: 'tick', itemId, checked: true }));
		const report = afterActionReport(scenario, late, { items });
		expect(report).toContain('None: every expected action was taken.');
		expect(report).toContain('| Late by 1m 00s: On-call: Confirm the restarts (`workspace-restarts`) | | | |');
		expect(report).toContain('| Late by 8m 00s: Comms: Post the update (`comms`) | | | |');
		expect(report).not.toMatch(/undefined|NaN/);
	});

	it('works on a shipped scenario without the runbook items, naming actions by id', () => {
		const { scenario: shipped } = parseScenario(readFileSync(join(root, 'src/content/scenarios/workspace-restart-loop.yaml'), 'utf8'), 'workspace-restart-loop.yaml');
		const report = afterActionReport(shipped, [{ at: 30 * 60_000, type: 'end' }]);
		expect(report).toContain(`| Injects delivered | ${shipped.injects.length} of ${shipped.injects.length} |`);
		for (const a of shipped.expectedActions) expect(report).toContain(`- ${a.item} (\`${a.item}\`)`);
	});
});

describe('a report while the rehearsal is under way, on an injected clock', () => {
	const clock = new FakeClock();

	it('marks actions not yet due as pending, and as missed only once their target has passed', () => {
		clock.now = 2 * 60_000; // +2m: comms is due at +8m, cordon has no target
		const at2 = actionResults(scenario, [], items, { elapsed: clock.now, ended: false });
		expect(at2.map((r) => [r.item, r.result])).toEqual([
			['workspace-restarts', 'pending'],
			['declare', 'pending'],
			['cordon', 'pending'],
			['comms', 'pending'],
		]);
		clock.advance(4 * 60_000); // +6m: the +3m and +5m targets have passed
		const at6 = actionResults(scenario, [], items, { elapsed: clock.now, ended: false });
		expect(at6.map((r) => [r.item, r.result])).toEqual([
			['workspace-restarts', 'missed'],
			['declare', 'missed'],
			['cordon', 'pending'],
			['comms', 'pending'],
		]);
		// Once it has ended, nothing is pending any more.
		expect(actionResults(scenario, [], items, { elapsed: clock.now, ended: true }).map((r) => r.result)).toEqual(['missed', 'missed', 'missed', 'missed']);
	});

	it('counts a check run only after the inject that made it meaningful: a Run all at +0:01 credits nothing', () => {
		expect(meaningfulAt(scenario, 'workspace-restarts')).toBe(120_000);
		expect(meaningfulAt(scenario, null)).toBe(0);
		const runAll: RehearsalEvent = { at: 1000, type: 'check', checkId: 'workspace-restarts', region: null, status: 'pass', actor: 'ic' };
		const [early] = actionResults(scenario, [runAll], items, { elapsed: 60_000, ended: false });
		expect(early).toMatchObject({ item: 'workspace-restarts', doneAt: null, earlyAt: 1000, meaningfulAt: 120_000, result: 'pending' });
		const [late] = actionResults(scenario, [runAll], items, { elapsed: 4 * 60_000, ended: false });
		expect(late).toMatchObject({ doneAt: null, result: 'missed' });
		const again: RehearsalEvent = { ...runAll, at: 150_000, status: 'warn' };
		const [done] = actionResults(scenario, [runAll, again], items, { elapsed: 4 * 60_000, ended: false });
		expect(done).toMatchObject({ doneAt: 150_000, earlyAt: null, result: 'on time' });
	});

	it('says it is under way, lists only the injects so far, pending actions apart, and names the early run', () => {
		const events: RehearsalEvent[] = [{ at: 1000, type: 'check', checkId: 'workspace-restarts', region: null, status: 'pass', actor: 'ic' }];
		const report = afterActionReport(scenario, events, { items, now: 2 * 60_000 + 5000 });
		expect(report).toContain('| Elapsed | 2m 05s of 20 min planned: still under way |');
		expect(report).toContain('| Injects delivered | 2 of 4 |');
		expect(report).toContain('| Expected actions | 0 of 4 done, 0 on time, 4 pending |');
		expect(report).toContain('| On-call: Confirm the restarts (`workspace-restarts`) | +3m | — | — | pending (at +00:01, before its inject at +02:00: not counted) |');
		expect(report).toMatch(/## Missed actions\n\nNone so far\./);
		expect(report).toContain('## Pending actions');
		expect(report).toContain('- Comms: Post the update (`comms`), due by +8m');
		expect(report).not.toContain('us-east-2 fullest'); // the +4m inject has not fired
		expect(report).not.toMatch(/\| facilitator \|/);
	});
});

describe('rehearsalStatus', () => {
	it('gives the clock and the injects fired so far in plain text, never the ones to come', () => {
		const clock = new FakeClock();
		clock.advance(150_000);
		const status = rehearsalStatus(scenario, clock.now, false);
		expect(status).toMatchObject({ scenario: { id: 'drill', title: 'Drill' }, elapsedMs: 150_000, ended: false, injectsTotal: 4 });
		expect(status.injects).toEqual([
			{ at: 0, clock: '+00:00', text: 'Inject (participant report): My terminal closed.' },
			{ at: 120_000, clock: '+02:00', text: 'Inject: workspace-restarts turns warn: 2 restarts in 10 minutes' },
		]);
		clock.advance(10 * 60_000);
		expect(rehearsalStatus(scenario, clock.now, true).injects.map((i) => i.clock)).toEqual(['+00:00', '+02:00', '+04:00', '+06:00']);
	});
});
