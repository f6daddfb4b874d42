import { httpRequest, netOptions, NetworkError, type HttpResponse } from '../../net.ts';
import { excerpt } from '../../redact.ts';
import { ProbeError, type ProbeContext } from '../../types.ts';

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
