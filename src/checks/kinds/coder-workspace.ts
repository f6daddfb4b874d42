import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ProbeError, type Kind } from '../types.ts';
import { coderApi, coderError, organizationOf, parseBody, type CoderApi } from './coder/api.ts';

export const params = z.strictObject({
	/** Template name, in the environment's organization (default organization when none is set). */
	template: z.string().min(1),
	/** Rich parameter values for the build, e.g. `{ region: "{region.name}" }` (interpolated before parsing). */
	parameters: z.record(z.string(), z.string()).optional(),
	/** How long the build may take to reach "running" before it counts as not running. */
	readyTimeoutMs: z.number().int().positive().default(300_000),
	pollMs: z.number().int().positive().default(2_000),
	/** Time allowed for the delete, which runs even after the deadline stopped the main flow. */
	cleanupTimeoutMs: z.number().int().positive().default(60_000),
});

/** Build statuses after which the build will not become "running" by itself. */
const TERMINAL = new Set(['running', 'failed', 'canceled', 'canceling', 'stopped', 'stopping', 'deleting', 'deleted']);

/** Network failures that mean the create request never reached Coder. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface Workspace {
	id: string;
	name?: string;
	latest_build?: { id?: string; status?: string; transition?: string; job?: { status?: string; error?: string } };
}

/** Coder's workspace-name rule: lowercase alphanumerics in single-hyphen groups, at most 32 characters. */
export function smokeWorkspaceName(region: string | undefined, random = randomBytes(8).toString('hex').slice(0, 6)): string {
	const suffix = random.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 8) || 'x';
	const budget = 32 - 'smoke-'.length - suffix.length - 1;
	const tag = (region ?? '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.slice(0, Math.max(0, budget))
		.replace(/^-+|-+$/g, '');
	return tag ? `smoke-${tag}-${suffix}` : `smoke-${suffix}`;
}

/**
 * The end-to-end smoke test of one region: creates a workspace `smoke-<region>-<random>` from
 * `template` (with `parameters`), polls until its first build is running (or fails, or
 * `readyTimeoutMs` passes) and records the time it took; then ALWAYS deletes it (transition
 * `delete`) and polls until Coder reports it gone (410), with its own `cleanupTimeoutMs` so the
 * cleanup also runs after the deadline stopped the main flow. A cleanup failure is a value, not an
 * error. When the check's deadline stops the wait, the result is an error carrying what was seen.
 *
 * Observed values:
 * - `workspace` (string): the workspace name used.
 * - `secondsToRunning` (number | null): seconds from the create request to "running", 1 decimal; null when it never ran.
 * - `buildStatus` (string | null): the last build status seen (running, failed, pending, starting…).
 * - `jobError` (string | null): the provisioner job's error message, if any.
 * - `timedOut` (boolean): `readyTimeoutMs` passed before the build ended.
 * - `deleted` (boolean): no smoke workspace is left behind (deleted, or never created).
 * - `cleanupError` (string | null): why the delete did not finish, if it did not.
 */
const coderWorkspace: Kind<z.output<typeof params>> = {
	name: 'coder-workspace',
	params,
	async observe(p, ctx) {
		const api = coderApi(ctx);
		const tokenSecret = ctx.environment.coder!.tokenSecret;
		const org = await organizationOf(api, ctx);
		const tplRes = await api.request('GET', `/api/v2/organizations/${encodeURIComponent(org)}/templates/${encodeURIComponent(p.template)}`);
		if (tplRes.status === 404) throw new ProbeError(`Coder has no template "${p.template}" in organization ${org}`, { httpStatus: 404 });
		if (tplRes.status !== 200) throw coderError(tplRes, `GET template ${p.template}`, tokenSecret);
		const template = parseBody<{ id?: string; deprecated?: boolean }>(tplRes, `GET template ${p.template}`);
		if (!template.id) throw new ProbeError(`Coder template "${p.template}" answered without an id`);

		const name = smokeWorkspaceName(ctx.region?.name);
		const observed = {
			workspace: name,
			secondsToRunning: null as number | null,
			buildStatus: null as string | null,
			jobError: null as string | null,
			timedOut: false,
			deleted: true,
			cleanupError: null as string | null,
		};
		let workspaceId: string | undefined;
		let created = false;
		let failure: unknown;
		const started = performance.now();
		try {
			created = true; // from here on a workspace may exist, even if the answer never arrives
			const res = await api.request('POST', '/api/v2/users/me/workspaces', {
				json: {
					template_id: template.id,
					name,
					rich_parameter_values: Object.entries(p.parameters ?? {}).map(([n, value]) => ({ name: n, value })),
					automatic_updates: 'never',
				},
			});
			if (res.status !== 200 && res.status !== 201) {
				if (res.status >= 400 && res.status < 500) created = false;
				throw coderError(res, 'create workspace', tokenSecret);
			}
			const ws = parseBody<Workspace>(res, 'create workspace');
			workspaceId = ws.id;
			note(observed, ws);
			const deadline = started + p.readyTimeoutMs;
			while (!TERMINAL.has(observed.buildStatus ?? '')) {
				if (performance.now() >= deadline) {
					observed.timedOut = true;
					break;
				}
				await sleep(Math.min(p.pollMs, Math.max(0, deadline - performance.now())), undefined, { signal: ctx.signal });
				const poll = await api.request('GET', `/api/v2/workspaces/${workspaceId}`);
				// A passing 5xx (a coderd restart) is retried until the time is up.
				if (poll.status >= 500) continue;
				if (poll.status !== 200) throw coderError(poll, 'GET workspace', tokenSecret);
				note(observed, parseBody<Workspace>(poll, 'GET workspace'));
			}
			if (observed.buildStatus === 'running') observed.secondsToRunning = Math.round((performance.now() - started) / 100) / 10;
		} catch (err) {
			failure = err;
			// Refused or unresolvable before the request left: nothing was created.
			if (!workspaceId && err instanceof ProbeError && NOT_SENT.has(String(err.observed.error))) created = false;
		}

		if (created) {
			const cleanup = await deleteWorkspace(api, name, workspaceId, p, tokenSecret);
			observed.deleted = cleanup.deleted;
			observed.cleanupError = cleanup.error;
		}
		if (failure) {
			if (ctx.signal.aborted) throw new ProbeError(`the smoke workspace ${name} was not running at the check's deadline (last build status: ${observed.buildStatus ?? 'none'})`, observed);
			if (failure instanceof ProbeError) throw new ProbeError(failure.message, { ...failure.observed, ...observed });
			throw failure;
		}
		return observed;
	},
};

function note(observed: { buildStatus: string | null; jobError: string | null }, ws: Workspace): void {
	observed.buildStatus = ws.latest_build?.status ?? observed.buildStatus;
	const error = ws.latest_build?.job?.error;
	if (error) observed.jobError = error;
}

/** Deletes the workspace (found by name when its id is unknown) and waits until Coder says it is gone. */
async function deleteWorkspace(api: CoderApi, name: string, id: string | undefined, p: z.output<typeof params>, tokenSecret: string): Promise<{ deleted: boolean; error: string | null }> {
	const signal = AbortSignal.timeout(p.cleanupTimeoutMs);
	try {
		if (!id) {
			const found = await api.request('GET', `/api/v2/users/me/workspace/${encodeURIComponent(name)}`, { signal });
			if (found.status === 404 || found.status === 410) return { deleted: true, error: null };
			if (found.status !== 200) throw coderError(found, 'find the smoke workspace', tokenSecret);
			id = parseBody<Workspace>(found, 'find the smoke workspace').id;
		}
		let requested = false;
		let lastStatus = 'unknown';
		for (;;) {
			if (!requested) {
				const del = await api.request('POST', `/api/v2/workspaces/${id}/builds`, { json: { transition: 'delete' }, signal });
				if (del.status === 410 || del.status === 404) return { deleted: true, error: null };
				// 409: a build is still running (e.g. the start build); retry once it ends.
				if (del.status === 200 || del.status === 201) requested = true;
				else if (del.status !== 409 && del.status < 500) throw coderError(del, 'delete the smoke workspace', tokenSecret);
			}
			await sleep(Math.min(p.pollMs, 2_000), undefined, { signal });
			const poll = await api.request('GET', `/api/v2/workspaces/${id}`, { signal });
			if (poll.status === 410 || poll.status === 404) return { deleted: true, error: null };
			if (poll.status === 200) {
				const ws = parseBody<Workspace>(poll, 'GET workspace');
				lastStatus = ws.latest_build?.status ?? lastStatus;
				if (lastStatus === 'deleted') return { deleted: true, error: null };
				if (requested && ws.latest_build?.transition === 'delete' && lastStatus === 'failed') {
					return { deleted: false, error: `the delete build failed: ${ws.latest_build.job?.error || 'no error message'}` };
				}
			}
			if (signal.aborted) throw new Error('timeout');
		}
	} catch (err) {
		if (signal.aborted) return { deleted: false, error: `the workspace ${name} was not deleted within ${p.cleanupTimeoutMs / 1000} s: delete it by hand` };
		return { deleted: false, error: (err as Error).message };
	}
}

export default coderWorkspace;
