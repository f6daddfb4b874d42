import { z } from 'zod';
import { capacityFor } from '../capacity.ts';
import { httpRequest, netOptions, NetworkError, type HttpResponse } from '../net.ts';
import { excerpt } from '../redact.ts';
import { ProbeError, type Kind, type Observed, type ProbeContext } from '../types.ts';
import { allSettledOrThrow } from '../settle.ts';

const authmethodsParams = z.strictObject({ mode: z.literal('authmethods') });
const healthParams = z.strictObject({
	mode: z.literal('health'),
	/** Re-run the health check instead of reading Coder's cached report. */
	force: z.boolean().default(false),
});
const proxiesParams = z.strictObject({ mode: z.literal('proxies') });
const provisionersParams = z.strictObject({
	mode: z.literal('provisioners'),
	/** Organization name or id; default the environment's `coder.organization`, else the default organization. */
	organization: z.string().min(1).optional(),
	/** Count only daemons carrying all these tags, e.g. `{ region: "us-west-2" }`. */
	tags: z.record(z.string(), z.string()).optional(),
});

export const params = z.discriminatedUnion('mode', [authmethodsParams, healthParams, proxiesParams, provisionersParams]);
type Params = z.output<typeof params>;

/** Coder's error body (`codersdk.Response`). */
interface CoderError {
	message?: string;
	detail?: string;
}

export interface CoderApi {
	/** The deployment's URL, without a trailing slash. */
	url: string;
	/** One request with the session token; network failures and the deadline become a ProbeError. */
	request(method: 'GET' | 'POST' | 'DELETE', path: string, options?: { json?: unknown; signal?: AbortSignal }): Promise<HttpResponse>;
	/** GET, expecting 200 and JSON; anything else is a ProbeError naming the route and the status. */
	getJson<T>(path: string): Promise<T>;
}

/**
 * A small client for the environment's Coder API, authenticating with the session token from
 * `coder.tokenSecret` (header `Coder-Session-Token`). Shared by the `coder` and `coder-workspace` kinds.
 *
 * @example
 * const api = coderApi(ctx);
 * const build = await api.getJson<{ version: string }>('/api/v2/buildinfo');
 */
export function coderApi(ctx: ProbeContext): CoderApi {
	const coder = ctx.environment.coder;
	if (!coder) throw new ProbeError(`environment "${ctx.environment.id}" has no coder section`);
	let token: string;
	try {
		token = ctx.secret(coder.tokenSecret);
	} catch (err) {
		throw new ProbeError(`Coder: ${(err as Error).message}`);
	}
	const url = coder.url.replace(/\/+$/, '');
	const net = netOptions(ctx.environment);
	const api: CoderApi = {
		url,
		async request(method, path, options = {}) {
			const signal = options.signal ?? ctx.signal;
			try {
				return await httpRequest(`${url}${path}`, { method, json: options.json, signal, headers: { 'coder-session-token': token, accept: 'application/json' } }, net);
			} catch (err) {
				if (err instanceof NetworkError) {
					throw new ProbeError(`Coder ${method} ${route(path)}: ${err.code === 'ABORTED' ? 'no answer before the deadline' : err.message}`, { error: err.code });
				}
				throw err;
			}
		},
		async getJson<T>(path: string): Promise<T> {
			const res = await api.request('GET', path);
			if (res.status !== 200) throw coderError(res, `GET ${route(path)}`, coder.tokenSecret);
			return parseBody<T>(res, `GET ${route(path)}`);
		},
	};
	return api;
}

function route(path: string): string {
	return path.split('?')[0]!;
}

/** Parses a JSON body, or a ProbeError saying what answered instead. */
export function parseBody<T>(res: HttpResponse, what: string): T {
	try {
		return JSON.parse(res.body) as T;
	} catch {
		throw new ProbeError(`Coder ${what} answered ${res.status} with a body that is not JSON: ${excerpt(res.body, 120)}`, { httpStatus: res.status });
	}
}

/** A ProbeError for a non-success answer: 401/403 name the token's secret (never its value). */
export function coderError(res: HttpResponse, what: string, tokenSecret: string): ProbeError {
	let message = '';
	try {
		const body = JSON.parse(res.body) as CoderError;
		message = [body.message, body.detail].filter(Boolean).join(': ');
	} catch {
		message = excerpt(res.body, 120);
	}
	const hint =
		res.status === 401
			? ` — the session token (secret "${tokenSecret}") was refused; create one with \`coder tokens create\``
			: res.status === 403
				? ` — the token's user (secret "${tokenSecret}") lacks the permission (owner role needed)`
				: '';
	return new ProbeError(`Coder ${what} answered ${res.status}${message ? ` (${message})` : ''}${hint}`, { httpStatus: res.status });
}

/** The organization to use: the given name/id, else the environment's, else the default organization's id. */
export async function organizationOf(api: CoderApi, ctx: ProbeContext, given?: string): Promise<string> {
	const org = given ?? ctx.environment.coder?.organization;
	if (org) return org;
	const orgs = await api.getJson<Array<{ id: string; name: string; is_default?: boolean }>>('/api/v2/organizations');
	if (!Array.isArray(orgs) || !orgs.length) throw new ProbeError('Coder lists no organization for this token');
	return (orgs.find((o) => o.is_default) ?? orgs[0]!).id;
}

interface AuthMethods {
	password?: { enabled?: boolean };
	github?: { enabled?: boolean };
	oidc?: { enabled?: boolean };
}

async function observeAuthMethods(api: CoderApi): Promise<Observed> {
	const m = await api.getJson<AuthMethods>('/api/v2/users/authmethods');
	if (!m || typeof m !== 'object' || !('github' in m || 'oidc' in m || 'password' in m)) throw new ProbeError('Coder /api/v2/users/authmethods answered without auth methods');
	return { github: m.github?.enabled === true, oidc: m.oidc?.enabled === true, password: m.password?.enabled === true };
}

interface HealthSection {
	severity?: string;
	dismissed?: boolean;
	error?: string | null;
	warnings?: Array<{ code?: string; Code?: string; message?: string; Message?: string }>;
}

const HEALTH_SECTIONS = ['access_url', 'database', 'websocket', 'derp', 'workspace_proxy', 'provisioner_daemons'];

async function observeHealth(api: CoderApi, force: boolean): Promise<Observed> {
	const report = await api.getJson<Record<string, unknown> & { severity?: string }>(`/api/v2/debug/health${force ? '?force=true' : ''}`);
	if (typeof report?.severity !== 'string') throw new ProbeError('Coder /api/v2/debug/health answered without a severity');
	const sections = Object.entries(report)
		.filter(([name, v]) => HEALTH_SECTIONS.includes(name) || (v && typeof v === 'object' && 'severity' in (v as object)))
		.map(([name, v]) => [name, v as HealthSection] as const)
		.filter(([, s]) => s && typeof s === 'object' && !s.dismissed);
	const failing = sections.filter(([, s]) => s.severity === 'error').map(([n]) => n);
	const warning = sections.filter(([, s]) => s.severity === 'warning').map(([n]) => n);
	const warnings = sections.flatMap(([, s]) => s.warnings ?? []);
	const codes = [...new Set(warnings.map((w) => w.code ?? w.Code ?? 'EUNKNOWN'))].sort();
	return {
		severity: report.severity,
		failingSections: failing.join(', '),
		warningSections: warning.join(', '),
		warningCodes: codes.join(', '),
		warnings: warnings.length,
		dismissed: Object.entries(report).filter(([, v]) => (v as HealthSection)?.dismissed === true).map(([n]) => n).join(', '),
	};
}

interface WorkspaceProxy {
	name: string;
	deleted?: boolean;
	version?: string;
	status?: { status?: string };
}

/** `v2.24.2+3f0e2c1` → `v2.24.2`: build metadata does not make two versions differ. */
function trimmedVersion(v: string): string {
	return v.replace(/\+.*$/, '').replace(/-devel.*$/, '');
}

async function observeProxies(api: CoderApi, ctx: ProbeContext): Promise<Observed> {
	const [list, build] = await allSettledOrThrow([
		api.getJson<{ regions?: WorkspaceProxy[] } | WorkspaceProxy[]>('/api/v2/workspaceproxies'),
		api.getJson<{ version?: string }>('/api/v2/buildinfo'),
	]);
	// Older servers answered a bare array; current ones `{ regions: [...] }` with the primary first.
	const all = Array.isArray(list) ? list : list?.regions;
	if (!Array.isArray(all)) throw new ProbeError('Coder /api/v2/workspaceproxies answered without a regions list');
	if (typeof build?.version !== 'string') throw new ProbeError('Coder /api/v2/buildinfo answered without a version');
	const proxies = all.filter((p) => !p.deleted);
	const unhealthy = proxies.filter((p) => p.status?.status !== 'ok');
	const primary = trimmedVersion(build.version);
	// An empty version is a proxy not connected yet (Coder's own health check ignores it too); the primary's is computed.
	const mismatched = proxies.filter((p) => p.name !== 'primary' && p.version && trimmedVersion(p.version) !== primary);
	const names = new Set(proxies.map((p) => p.name));
	const missing = [...new Set(ctx.environment.regions.map((r) => r.proxy))].filter((n) => !names.has(n));
	return {
		unhealthy: unhealthy.map((p) => p.name).join(', '),
		unhealthyCount: unhealthy.length,
		unhealthyStatus: unhealthy.map((p) => `${p.name}=${p.status?.status ?? 'unknown'}`).join(', '),
		primaryVersion: build.version,
		versionMismatch: mismatched.map((p) => `${p.name}=${p.version}`).join(', '),
		mismatchCount: mismatched.length,
		regions: proxies.length,
		missing: missing.join(', '),
		missingCount: missing.length,
	};
}

interface ProvisionerDaemon {
	status?: string;
	tags?: Record<string, string>;
}

async function observeProvisioners(api: CoderApi, ctx: ProbeContext, p: z.output<typeof provisionersParams>): Promise<Observed> {
	const org = await organizationOf(api, ctx, p.organization);
	const daemons = await api.getJson<ProvisionerDaemon[]>(`/api/v2/organizations/${encodeURIComponent(org)}/provisionerdaemons?limit=1000`);
	if (!Array.isArray(daemons)) throw new ProbeError('Coder provisionerdaemons answered without a list');
	const wanted = Object.entries(p.tags ?? {});
	const matching = daemons.filter((d) => wanted.every(([k, v]) => d.tags?.[k] === v));
	const count = (status: string) => matching.filter((d) => d.status === status).length;
	return {
		online: matching.filter((d) => d.status !== 'offline').length,
		busy: count('busy'),
		idle: count('idle'),
		offline: count('offline'),
		required: capacityFor(ctx.environment.workshop.expectedAttendance).provisioners.min,
		recommended: capacityFor(ctx.environment.workshop.expectedAttendance).provisioners.recommended,
		expectedAttendance: ctx.environment.workshop.expectedAttendance,
	};
}

/**
 * Reads the environment's Coder deployment (`coder.url`, token from `coder.tokenSecret`), by `mode`:
 * the enabled login methods, the health report, the workspace proxies against the control plane's
 * version, or the provisioner daemons against the capacity the expected attendance needs. Any
 * non-200 answer (401 bad token, 403 not an owner, 404 health check still running) is an error.
 *
 * Observed values, mode `authmethods`:
 * - `github`, `oidc`, `password` (boolean): the login method is enabled.
 *
 * Mode `health` (`/api/v2/debug/health`; dismissed sections are left out):
 * - `severity` (string): "ok", "warning" or "error".
 * - `failingSections` (string), `warningSections` (string): sections at that severity, comma-separated.
 * - `warningCodes` (string): distinct warning codes (EWP03, EDB02…), sorted, comma-separated.
 * - `warnings` (number): warnings in all sections.
 * - `dismissed` (string): dismissed sections.
 *
 * Mode `proxies` (`/api/v2/workspaceproxies` and `/api/v2/buildinfo`; deleted proxies ignored):
 * - `unhealthy` (string): names of proxies whose status is not "ok". `unhealthyCount` (number).
 * - `unhealthyStatus` (string): "name=status, …" of those.
 * - `primaryVersion` (string): the control plane's version.
 * - `versionMismatch` (string): "name=version, …" of proxies on another version (build metadata ignored). `mismatchCount` (number).
 * - `regions` (number): proxies including the primary.
 * - `missing` (string), `missingCount` (number): proxies named by the environment's regions that Coder does not list.
 *
 * Mode `provisioners` (`/api/v2/organizations/{org}/provisionerdaemons`):
 * - `online` (number): daemons not offline. `busy`, `idle`, `offline` (number).
 * - `required` (number): the floor of provisioners for `workshop.expectedAttendance` (capacity table).
 * - `recommended` (number): the table's recommended count (the top of its range).
 * - `expectedAttendance` (number).
 */
const coder: Kind<Params> = {
	name: 'coder',
	params,
	async observe(p, ctx) {
		const api = coderApi(ctx);
		switch (p.mode) {
			case 'authmethods':
				return observeAuthMethods(api);
			case 'health':
				return observeHealth(api, p.force);
			case 'proxies':
				return observeProxies(api, ctx);
			case 'provisioners':
				return observeProvisioners(api, ctx, p);
		}
	},
};

export default coder;
