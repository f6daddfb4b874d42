import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/server/app.ts';
import { nextWorkshop } from '../../src/server/run-defaults.ts';
import { RequestError } from '../../src/server/request-error.ts';

// The run-level rules of a checklist run, in process against a target on loopback that answers
// each path after a delay and counts how many requests it holds at once.
let target: Server;
let base = '';
let inFlight = 0;
let maxInFlight = 0;
let app: App;
let clock = new Date('2026-11-29T09:00:00.000Z');

function writeConfig(dir: string): string {
	const http = (id: string, path: string, extra: Record<string, unknown> = {}) => ({
		id,
		title: `Check ${id}`,
		kind: 'http',
		runbook: '/incidents/x/#diagnosis',
		cacheSeconds: 0,
		params: { url: `${base}${path}` },
		outcomes: [{ status: 'fail', when: 'status != 200', message: 'answered {status}: {body}' }, { status: 'pass', message: 'answered {body}' }],
		...extra,
	});
	const region = { name: 'loopback', title: 'Loopback', host: '127.0.0.1', wildcard: '*.example.test', kubeContext: 'none', proxy: 'primary' };
	const config = {
		defaultEnvironment: 'local',
		environments: {
			local: { title: 'Local', regions: [region] },
			pipeline: { title: 'Pipeline', exclusive: true, regions: [region] },
		},
		checks: [
			http('slow-a', '/slow?a'),
			http('slow-b', '/slow?b'),
			http('slow-c', '/slow?c'),
			http('broken', '/broken'),
			http('pipeline-only', '/slow?p', { environments: ['pipeline'] }),
		],
		cadence: { rule: 'first tuesday', time: '16:00', durationMinutes: 90, timezone: 'Europe/London' },
	};
	const file = join(dir, 'handbook.config.ts');
	writeFileSync(file, `export default ${JSON.stringify(config, null, 2)};\n`);
	return file;
}

function writePages(dir: string): string {
	const docs = join(dir, 'docs');
	mkdirSync(join(docs, 'checklists'), { recursive: true });
	writeFileSync(
		join(docs, 'checklists/gate.mdx'),
		`---\ntitle: Gate\ndescription: A gate.\nchecklist:\n  id: gate\n  phase: T-2\n  gate: true\n---\n\n- [ ] A <Check id="slow-a" />\n- [ ] B <Check id="slow-b" />\n- [ ] C <Check id="slow-c" />\n- [ ] Broken <Check id="broken" />\n- [ ] Pipeline <Check id="pipeline-only" />\n- [ ] Attendance <Field name="attendance" type="number" />\n`,
	);
	writeFileSync(
		join(docs, 'checklists/launch.mdx'),
		`---\ntitle: Launch\ndescription: Launch.\nchecklist:\n  id: launch\n  phase: launch\n  environment: pipeline\n---\n\n- [ ] Pipeline <Check id="pipeline-only" />\n- [ ] Told the team\n`,
	);
	return docs;
}

beforeAll(async () => {
	target = createServer((req, res) => {
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		setTimeout(() => {
			inFlight--;
			res.statusCode = req.url === '/broken' ? 503 : 200;
			res.end(req.url === '/broken' ? 'down' : 'ok');
		}, 150);
	});
	await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
	const dir = mkdtempSync(join(tmpdir(), 'handbook-run-all-'));
	app = await createApp({ configFile: writeConfig(dir), dataDir: dir, docsDir: writePages(dir), now: () => clock });
});

afterAll(async () => {
	app?.events.close();
	await app?.store.close();
	await new Promise<void>((resolve) => target.close(() => resolve()));
});

beforeEach(() => {
	maxInFlight = 0;
});

describe('run all as a server-side job', () => {
	it('runs every check of the checklist with bounded parallelism, and a second start joins it', async () => {
		const run = await app.service.startRun({ checklist: 'gate' }, 'alice');
		const [first, second] = await Promise.all([app.service.startRunAll(run.id, 'alice', { concurrency: 2 }), app.service.startRunAll(run.id, 'bob', { concurrency: 2 })]);
		expect(first.joined).toBe(false);
		expect(second.joined).toBe(true);
		expect(second.done).toBe(first.done);
		expect((await app.service.view(run.id)).runAll).toMatchObject({ state: 'running', startedBy: 'alice', checks: ['slow-a', 'slow-b', 'slow-c', 'broken', 'pipeline-only'] });
		const results = await first.done;
		expect([...results.keys()]).toEqual(['slow-a', 'slow-b', 'slow-c', 'broken', 'pipeline-only']);
		expect(maxInFlight).toBe(2);
		const view = await app.service.view(run.id);
		expect(view.runAll).toMatchObject({ state: 'finished', done: 5 });
		const actions = (await app.store.auditLog({ runId: run.id })).map((e) => e.action);
		expect(actions.filter((a) => a.startsWith('run-all.'))).toEqual(['run-all.start', 'run-all.finish']);
		// Once finished, a new start is a new job.
		const again = await app.service.startRunAll(run.id, 'alice');
		expect(again.joined).toBe(false);
		await again.done;
	});

	it('shows the checks of a job whose process died as interrupted, the unstarted ones too', async () => {
		const run = await app.service.startRun({ checklist: 'gate' }, 'alice');
		const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
		await app.store.recordEvent({ actor: 'cli:ops', action: 'run-all.start', runId: run.id, target: '5', detail: { checks: ['slow-a', 'slow-b'], since: 0, pid: dead, host: hostname() } });
		const view = await app.service.view(run.id);
		expect(view.runAll).toMatchObject({ state: 'interrupted', startedBy: 'cli:ops' });
		const state = (checkId: string) => view.progress.items.find((i) => i.checkId === checkId)!.state;
		expect(state('slow-a')).toBe('interrupted');
		expect(state('slow-b')).toBe('interrupted');
		expect(state('slow-c')).toBe('not-run');
		expect(view.progress.items.find((i) => i.checkId === 'slow-a')!.reason).toMatch(/handbook stopped before run all reached this check/);
		expect((await app.store.auditLog({ runId: run.id })).some((e) => e.action === 'run-all.interrupted')).toBe(true);
	});

	it('refuses run all on a signed-off run', async () => {
		const run = await app.service.startRun({ checklist: 'launch' }, 'alice');
		await app.service.signOff(run.id, 'alice');
		await expect(app.service.startRunAll(run.id, 'alice')).rejects.toThrow(/frozen/);
	});
});

describe('statuses in a run', () => {
	it('counts a check not defined for the environment as skipped, apart from done, and fail apart from error', async () => {
		const run = await app.service.startRun({ checklist: 'gate', environment: 'local' }, 'alice');
		await app.service.runAll(run.id, 'alice');
		const { progress } = await app.service.view(run.id);
		expect(progress.items.map((i) => `${i.checkId ?? i.id}:${i.state}`)).toEqual(['slow-a:pass', 'slow-b:pass', 'slow-c:pass', 'broken:fail', 'pipeline-only:skipped', expect.stringMatching(/:open$/)]);
		expect(progress.counts).toEqual({ done: 3, warnings: 0, failing: 1, notRun: 0, open: 1, skipped: 1 });
		expect(progress.total).toBe(5);
		expect(progress.done).toBe(3);
		expect(progress.skippedNote).toBe('1 skipped: not defined for local');
		expect(progress.blockers.map((b) => b.state)).toEqual(['fail', 'open']);
	});
});

describe('defaults of a new run', () => {
	it('uses the checklist’s own environment, for the API too, and refuses one where none of its checks is defined', async () => {
		expect((await app.service.startRun({ checklist: 'launch' }, 'alice')).environment).toBe('pipeline');
		expect(app.service.runDefaults('launch')).toEqual({ environment: 'pipeline', workshop: '2026-12' });
		let error: unknown;
		try {
			await app.service.startRun({ checklist: 'launch', environment: 'local' }, 'alice');
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(RequestError);
		expect((error as RequestError).status).toBe(400);
		expect((error as Error).message).toBe('none of the 1 checks of the checklist "launch" is defined for the environment "local", so every one would be skipped; start the run in its own environment "pipeline"');
	});

	it('is for the next workshop by the cadence, as the calendar says', async () => {
		const cadence = app.engine.handbook.cadence;
		// T-2 of December's workshop (first Tuesday: 1 December 2026, 16:00 London).
		expect(nextWorkshop(new Date('2026-11-29T09:00:00Z'), cadence)).toBe('2026-12');
		expect(nextWorkshop(new Date('2026-12-01T16:30:00Z'), cadence)).toBe('2026-12');
		// Once it has ended, the next one is January's.
		expect(nextWorkshop(new Date('2026-12-01T18:00:00Z'), cadence)).toBe('2027-01');
		expect((await app.service.startRun({ checklist: 'gate' }, 'alice')).workshop).toBe('2026-12');
		clock = new Date('2026-12-02T09:00:00Z');
		expect((await app.service.startRun({ checklist: 'gate' }, 'alice')).workshop).toBe('2027-01');
		expect((await app.service.startRun({ checklist: 'gate', workshop: '2026-12' }, 'alice')).workshop).toBe('2026-12');
		clock = new Date('2026-11-29T09:00:00.000Z');
	});
});

describe('two people editing one field', () => {
	it('tells the later writer the value changed since they loaded it, instead of overwriting it', async () => {
		const run = await app.service.startRun({ checklist: 'gate' }, 'alice');
		const item = (await app.service.view(run.id)).progress.items.find((i) => !i.checkId)!.id;
		expect(await app.service.setField(run.id, item, 'attendance', '18', 'alice', '')).toMatchObject({ field: { value: '18', by: 'alice' } });
		// Bob loaded the page before Alice saved: he still thinks it is empty.
		expect(await app.service.setField(run.id, item, 'attendance', '20', 'bob', '')).toMatchObject({ conflict: { value: '18', by: 'alice' } });
		expect((await app.store.record(run.id)).fields).toEqual([expect.objectContaining({ name: 'attendance', value: '18', by: 'alice' })]);
		// Having seen it, he saves over the value he now knows.
		expect(await app.service.setField(run.id, item, 'attendance', '20', 'bob', '18')).toMatchObject({ field: { value: '20', by: 'bob' } });
		// Writing the value it already holds is no conflict.
		expect(await app.service.setField(run.id, item, 'attendance', '20', 'alice', '18')).toMatchObject({ field: { value: '20' } });
	});
});

describe('the go / no-go', () => {
	it('needs a note, and names the blockers, to record a decision against the computed verdict', async () => {
		const run = await app.service.startRun({ checklist: 'gate' }, 'alice');
		expect((await app.service.view(run.id)).progress.recommendation).toBe('no-go');
		await expect(app.service.decide(run.id, 'go', null, 'alice')).rejects.toThrow('recording go against the computed no-go (blocking: A; B; C; Broken; Attendance) needs a note saying why');
		await expect(app.service.decide(run.id, 'go', '  ', 'alice')).rejects.toThrow(/needs a note/);
		expect((await app.service.decide(run.id, 'no-go', null, 'alice')).decision).toBe('no-go');
		expect(await app.service.decide(run.id, 'go', 'accepted by the on-call lead', 'alice')).toMatchObject({ decision: 'go', decisionNote: 'accepted by the on-call lead' });
	});

	it('is computed go when every check passes and every item is done, and only a gate needs one to sign off', async () => {
		const run = await app.service.startRun({ checklist: 'launch' }, 'alice');
		await app.service.runAll(run.id, 'alice');
		const item = (await app.service.view(run.id)).progress.items.find((i) => !i.checkId)!.id;
		await app.service.tick(run.id, item, true, 'alice');
		const view = await app.service.view(run.id);
		expect(view.progress.recommendation).toBe('go');
		expect(view.checklist.gate).toBe(false);
		expect((await app.service.signOff(run.id, 'alice')).signedOffBy).toBe('alice');
		const gate = await app.service.startRun({ checklist: 'gate' }, 'alice');
		await expect(app.service.signOff(gate.id, 'alice')).rejects.toThrow(/record the go \/ no-go decision/);
	});
});
