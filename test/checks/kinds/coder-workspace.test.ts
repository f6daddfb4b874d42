import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import coderWorkspace, { smokeWorkspaceName } from '../../../src/checks/kinds/coder-workspace.ts';
import { compileRules, evaluateOutcome } from '../../../src/checks/outcome.ts';
import { ProbeError } from '../../../src/checks/types.ts';
import { probeContext } from '../../support/probe-context.ts';
import { startRecorded, type RecordedRequest, type RecordedServer, type RouteResponse } from '../../support/targets/recorded.ts';

type Json = any;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../../fixtures/coder/${name}`, import.meta.url), 'utf8'));

const TOKEN = 'coder-session-Wk2mn88Qz';
const ORG = '7c60d51f-b44e-4682-87d6-449835ea4de6';
const REGION = { name: 'us-west-2', title: 'Oregon', host: 'oregon.coder.example.test', wildcard: '*.oregon.coder.example.test', kubeContext: 'usw2', proxy: 'oregon-proxy' };
const NAME_RULE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

// smoke-workspace: fail on error or not running in 5 min; warn > 2 min (scaled down here: warn > 1 s).
const rules = compileRules([
	{ status: 'fail', when: 'not deleted', message: 'workspace left behind: {cleanupError}' },
	{ status: 'fail', when: 'buildStatus != "running"', message: 'build {buildStatus}: {jobError}' },
	{ status: 'warn', when: 'secondsToRunning > 1', message: 'running after {secondsToRunning} s' },
	{ status: 'pass', message: 'running after {secondsToRunning} s, deleted' },
]);

interface Lifecycle {
	/** Build statuses the start build goes through, one per poll; the last one stays. */
	start: string[];
	jobError?: string;
	/** Polls the delete build takes before the workspace is gone (410); Infinity: never. */
	deletePolls?: number;
	/** Answer to the delete request. */
	deleteAnswer?: RouteResponse;
	createAnswer?: RouteResponse;
}

/** A Coder that runs one workspace through its lifecycle, as the API shows it. */
async function fakeCoder(life: Lifecycle): Promise<RecordedServer & { state: { polls: number; deleting: number; deleted: boolean; workspace?: Json } }> {
	const state = { polls: 0, deleting: -1, deleted: false, workspace: undefined as Json };
	const build = (status: string, transition = 'start') => ({
		...fixture('workspace.json').latest_build,
		status,
		transition,
		job: { ...fixture('workspace.json').latest_build.job, status: status === 'failed' ? 'failed' : status === 'running' ? 'succeeded' : 'running', error: status === 'failed' ? (life.jobError ?? '') : '' },
	});
	const authed = (fn: (req: RecordedRequest) => RouteResponse) => (req: RecordedRequest) => (req.headers['coder-session-token'] === TOKEN ? fn(req) : { status: 401, json: { message: 'unauthorized' } });
	const srv = await startRecorded({
		'GET /api/v2/organizations': authed(() => ({ json: fixture('organizations.json') })),
		[`GET /api/v2/organizations/${ORG}/templates/k8s-workshop`]: authed(() => ({ json: fixture('template.json') })),
		'POST /api/v2/users/me/workspaces': authed((req) => {
			if (life.createAnswer) return life.createAnswer;
			const body = req.json as Json;
			state.workspace = { ...fixture('workspace.json'), id: 'ws-1', name: body.name, latest_build: build(life.start[0]!) };
			return { status: 201, json: state.workspace };
		}),
		'GET /api/v2/workspaces/ws-1': authed(() => {
			if (state.deleted) return { status: 410, json: { message: 'Workspace "ws-1" was deleted, you can view this workspace by specifying \'?deleted=true\' and trying again.' } };
			if (state.deleting >= 0) {
				if (++state.deleting > (life.deletePolls ?? 1)) state.deleted = true;
				return { json: { ...state.workspace, latest_build: build('deleting', 'delete') } };
			}
			state.polls++;
			const status = life.start[Math.min(state.polls, life.start.length - 1)]!;
			return { json: { ...state.workspace, latest_build: build(status) } };
		}),
		'POST /api/v2/workspaces/ws-1/builds': authed((req) => {
			if (life.deleteAnswer) return life.deleteAnswer;
			expect(req.json).toEqual({ transition: 'delete' });
			state.deleting = 0;
			return { status: 201, json: build('pending', 'delete') };
		}),
	});
	return Object.assign(srv, { state });
}

let srv: (RecordedServer & { state: Json }) | undefined;
afterEach(async () => {
	await srv?.stop();
	srv = undefined;
});

function ctx(timeoutMs = 10_000) {
	return probeContext({
		environment: { coder: { url: srv!.url, tokenSecret: 'coderToken' } },
		region: REGION,
		secrets: { coderToken: TOKEN },
		timeoutMs,
	});
}
const observe = (params: Json, context = ctx()) => coderWorkspace.observe(coderWorkspace.params.parse({ template: 'k8s-workshop', pollMs: 20, ...params }), context);

describe('smokeWorkspaceName', () => {
	it('follows the Coder name rule within 32 characters', () => {
		expect(smokeWorkspaceName('us-west-2', 'a1b2c3')).toBe('smoke-us-west-2-a1b2c3');
		expect(smokeWorkspaceName(undefined, 'a1b2c3')).toBe('smoke-a1b2c3');
		const long = smokeWorkspaceName('Asia_Pacific--South-East 1 (Singapore)', 'zz9911');
		expect(long.length).toBeLessThanOrEqual(32);
		expect(long).toMatch(NAME_RULE);
		expect(long).toBe('smoke-asia-pacific-south-zz9911');
		for (let i = 0; i < 50; i++) expect(smokeWorkspaceName('eu-west-2')).toMatch(/^smoke-eu-west-2-[a-z0-9]{6}$/);
	});
});

describe('coder-workspace kind', () => {
	it('creates, waits for running, deletes and confirms the 410 (pass)', async () => {
		srv = await fakeCoder({ start: ['pending', 'starting', 'running'] });
		const observed = await observe({ parameters: { region: 'us-west-2', size: 'small' } });
		expect(observed).toMatchObject({ buildStatus: 'running', jobError: null, timedOut: false, deleted: true, cleanupError: null });
		expect(observed.workspace).toMatch(/^smoke-us-west-2-[a-z0-9]{6}$/);
		expect(observed.secondsToRunning).toBeTypeOf('number');
		expect(observed.secondsToRunning as number).toBeLessThan(1);
		expect(evaluateOutcome(rules, observed).status).toBe('pass');

		const create = srv.requests.find((r) => r.method === 'POST' && r.path === '/api/v2/users/me/workspaces')!;
		expect(create.json).toEqual({
			template_id: 'c6d67e98-83ea-49f0-8812-e4abae2b68bc',
			name: observed.workspace,
			rich_parameter_values: [
				{ name: 'region', value: 'us-west-2' },
				{ name: 'size', value: 'small' },
			],
			automatic_updates: 'never',
		});
		expect(srv.requests.every((r) => r.headers['coder-session-token'] === TOKEN)).toBe(true);
		expect(srv.count('POST /api/v2/workspaces/ws-1/builds')).toBe(1);
		expect(srv.state.deleted).toBe(true);
	});

	it('records a slow start (warn)', async () => {
		srv = await fakeCoder({ start: ['pending', ...Array(60).fill('starting'), 'running'] });
		const observed = await observe({});
		expect(observed.buildStatus).toBe('running');
		expect(observed.secondsToRunning as number).toBeGreaterThan(1);
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'warn', message: `running after ${Math.round((observed.secondsToRunning as number) * 10) / 10} s` });
	});

	it('records a failed build with its job error, and still deletes (fail)', async () => {
		srv = await fakeCoder({ start: ['pending', 'starting', 'failed'], jobError: 'terraform apply: Error creating pod: exceeded quota: compute-resources' });
		const observed = await observe({});
		expect(observed).toMatchObject({ secondsToRunning: null, buildStatus: 'failed', jobError: 'terraform apply: Error creating pod: exceeded quota: compute-resources', deleted: true, cleanupError: null });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'build failed: terraform apply: Error creating pod: exceeded quota: compute-resources' });
		expect(srv.count('POST /api/v2/workspaces/ws-1/builds')).toBe(1);
	});

	it('gives up after readyTimeoutMs, not running (fail), and deletes', async () => {
		srv = await fakeCoder({ start: ['pending', 'starting'] });
		const observed = await observe({ readyTimeoutMs: 300 });
		expect(observed).toMatchObject({ secondsToRunning: null, buildStatus: 'starting', timedOut: true, deleted: true });
		expect(evaluateOutcome(rules, observed).status).toBe('fail');
	});

	it('reports a delete that does not finish as a value (fail)', async () => {
		srv = await fakeCoder({ start: ['pending', 'running'], deletePolls: Infinity });
		const observed = await observe({ cleanupTimeoutMs: 400 });
		expect(observed).toMatchObject({ buildStatus: 'running', deleted: false });
		expect(observed.cleanupError).toMatch(/^the workspace smoke-us-west-2-[a-z0-9]{6} was not deleted within 0.4 s: delete it by hand$/);
		expect(evaluateOutcome(rules, observed).message).toMatch(/^workspace left behind: the workspace smoke-/);
	});

	it('reports a refused delete as a value', async () => {
		srv = await fakeCoder({ start: ['running'], deleteAnswer: { status: 403, json: { message: 'Forbidden.' } } });
		const observed = await observe({});
		expect(observed).toMatchObject({ buildStatus: 'running', deleted: false });
		expect(observed.cleanupError).toContain('answered 403 (Forbidden.)');
	});

	it('still deletes after the check deadline stopped the wait (error with the observed values)', async () => {
		srv = await fakeCoder({ start: ['pending'] });
		const started = performance.now();
		const err = await coderWorkspace.observe(coderWorkspace.params.parse({ template: 'k8s-workshop', pollMs: 50 }), ctx(400)).then(
			() => undefined,
			(e: unknown) => e as ProbeError,
		);
		const elapsed = performance.now() - started;
		expect(err).toBeInstanceOf(ProbeError);
		expect(err!.message).toMatch(/^the smoke workspace smoke-us-west-2-[a-z0-9]{6} was not running at the check's deadline \(last build status: pending\)$/);
		expect(err!.observed).toMatchObject({ secondsToRunning: null, buildStatus: 'pending', deleted: true, cleanupError: null });
		// The cleanup ran past the deadline, briefly.
		expect(elapsed).toBeGreaterThanOrEqual(400);
		expect(elapsed).toBeLessThan(2_000);
		expect(srv.count('POST /api/v2/workspaces/ws-1/builds')).toBe(1);
		expect(srv.state.deleted).toBe(true);
	});

	it('finds and deletes the workspace by name when the create answer never came', async () => {
		srv = await fakeCoder({ start: ['pending'] });
		let name = '';
		srv.route('POST /api/v2/users/me/workspaces', (req) => {
			name = (req.json as Json).name;
			srv!.state.workspace = { ...fixture('workspace.json'), id: 'ws-1', name };
			return { status: 201, json: srv!.state.workspace, delayMs: 10_000 };
		});
		srv.route('GET /api/v2/users/me/workspace/*', (req) => (req.path.endsWith(`/${name}`) ? { json: srv!.state.workspace } : { status: 404, json: { message: 'not found' } }));
		const err = await observe({}, ctx(300)).then(
			() => undefined,
			(e: unknown) => e as ProbeError,
		);
		expect(err).toBeInstanceOf(ProbeError);
		expect(err!.observed).toMatchObject({ deleted: true, cleanupError: null });
		expect(srv.count('GET /api/v2/users/me/workspace/*')).toBe(1);
		expect(srv.state.deleted).toBe(true);
	});

	it('is an error, creating nothing, when the template does not exist or the token is refused (error)', async () => {
		srv = await fakeCoder({ start: ['running'] });
		const missing = await observe({ template: 'no-such-template' }).then(
			() => undefined,
			(e: unknown) => e as ProbeError,
		);
		expect(missing).toBeInstanceOf(ProbeError);
		expect(missing!.message).toBe(`Coder has no template "no-such-template" in organization ${ORG}`);
		expect(srv.count('POST /api/v2/users/me/workspaces')).toBe(0);

		srv.route('POST /api/v2/users/me/workspaces', { status: 400, json: { message: 'Invalid workspace name.', validations: [{ field: 'name', detail: 'bad' }] } });
		const refused = await observe({}).then(
			() => undefined,
			(e: unknown) => e as ProbeError,
		);
		expect(refused!.message).toBe('Coder create workspace answered 400 (Invalid workspace name.)');
		expect(refused!.observed).toMatchObject({ httpStatus: 400, deleted: true, cleanupError: null });
		expect(srv.count('POST /api/v2/workspaces/ws-1/builds')).toBe(0);
		expect(srv.count('GET /api/v2/users/me/workspace/*')).toBe(0);
	});
});
