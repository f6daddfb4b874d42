import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpServer, startHttpsServer, type TestServer } from './https-server.ts';

/** A request the server received, for assertions on headers, bodies and counts. */
export interface RecordedRequest {
	method: string;
	/** Path without the query, e.g. "/api/v2/buildinfo". */
	path: string;
	/** The decoded query parameters. */
	query: URLSearchParams;
	/** Path and raw query as sent. */
	url: string;
	headers: IncomingMessage['headers'];
	body: string;
	/** The body parsed as JSON, or undefined. */
	json: unknown;
}

/** What a route answers. `json` sets content-type; `delayMs` waits before answering (a slow upstream). */
export interface RouteResponse {
	status?: number;
	json?: unknown;
	body?: string;
	headers?: Record<string, string>;
	delayMs?: number;
}

/** A fixed answer, or a function of the request for stateful flows (a workspace's lifecycle). */
export type Route = RouteResponse | ((req: RecordedRequest) => RouteResponse | Promise<RouteResponse>);

export interface RecordedServer extends TestServer {
	/** Every request received, in order. */
	requests: RecordedRequest[];
	/** Requests matching a route key ("GET /path", "GET /path?x=1", "* /path", "*" segments allowed). */
	count(key: string): number;
	/** Adds or replaces a route. */
	route(key: string, route: Route): void;
}

function parseKey(key: string): { method: string; path: string; query?: URLSearchParams } {
	const m = /^(\S+)\s+(\S+)$/.exec(key.trim());
	if (!m) throw new Error(`recorded route key "${key}" must look like "GET /path" or "GET /path?query"`);
	const [path, query] = m[2]!.split(/\?(.*)/s, 2) as [string, string | undefined];
	return { method: m[1]!.toUpperCase(), path, query: query === undefined ? undefined : new URLSearchParams(query) };
}

function pathMatches(pattern: string, path: string): boolean {
	const a = pattern.split('/');
	const b = path.split('/');
	return a.length === b.length && a.every((seg, i) => seg === '*' || seg === b[i]);
}

/** Whether `query` holds every parameter of `wanted` with the same values (decoded). */
function queryMatches(wanted: URLSearchParams, query: URLSearchParams): boolean {
	for (const key of new Set(wanted.keys())) {
		const want = wanted.getAll(key).sort().join('\u0000');
		if (query.getAll(key).sort().join('\u0000') !== want) return false;
	}
	return true;
}

function matches(key: string, req: { method: string; path: string; query: URLSearchParams }): boolean {
	const k = parseKey(key);
	return (k.method === '*' || k.method === req.method) && pathMatches(k.path, req.path) && (!k.query || queryMatches(k.query, req.query));
}

/** How specific a key is: a query beats none, a literal path beats a wildcard, a method beats "*". */
function specificity(key: string): number {
	const k = parseKey(key);
	return (k.query ? 100 : 0) + (k.method === '*' ? 0 : 10) - k.path.split('/').filter((s) => s === '*').length;
}

/**
 * A loopback HTTP (or HTTPS, given a certificate) server that answers recorded responses by
 * method, path and optional query, and records every request. Unknown routes answer 404 JSON.
 *
 * @example
 * const srv = await startRecorded({
 *   'GET /api/v2/buildinfo': { json: { version: 'v2.24.2' } },
 *   'GET /slow': { json: {}, delayMs: 5_000 },
 *   'POST /api/v2/users/me/workspaces': (req) => ({ status: 201, json: { id: 'w1', name: (req.json as { name: string }).name } }),
 * });
 * srv.count('GET /api/v2/buildinfo'); // → 1 after one call
 */
export async function startRecorded(routes: Record<string, Route>, options: { cert?: { cert: string; key: string } } = {}): Promise<RecordedServer> {
	const table = new Map<string, Route>();
	for (const [key, route] of Object.entries(routes)) {
		parseKey(key);
		table.set(key, route);
	}
	const requests: RecordedRequest[] = [];
	const timers = new Set<NodeJS.Timeout>();

	const handler = async (req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const body = Buffer.concat(chunks).toString('utf8');
		const url = new URL(req.url ?? '/', 'http://recorded');
		let json: unknown;
		try {
			json = body ? JSON.parse(body) : undefined;
		} catch {
			json = undefined;
		}
		const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, url: req.url ?? '/', headers: req.headers, body, json };
		requests.push(recorded);

		const key = [...table.keys()].filter((k) => matches(k, recorded)).sort((a, b) => specificity(b) - specificity(a))[0];
		const route = key === undefined ? undefined : table.get(key);
		const answer: RouteResponse = route === undefined ? { status: 404, json: { message: `no recorded route for ${recorded.method} ${recorded.path}` } } : typeof route === 'function' ? await route(recorded) : route;
		if (answer.delayMs) {
			await new Promise<void>((resolve) => {
				const timer = setTimeout(() => {
					timers.delete(timer);
					resolve();
				}, answer.delayMs);
				timers.add(timer);
				// The client gave up (its deadline): stop waiting.
				res.once('close', () => {
					clearTimeout(timer);
					timers.delete(timer);
					resolve();
				});
			});
			if (res.destroyed) return;
		}
		const headers: Record<string, string> = { ...(answer.json !== undefined ? { 'content-type': 'application/json' } : { 'content-type': 'text/plain' }), ...answer.headers };
		res.writeHead(answer.status ?? 200, headers);
		res.end(answer.json !== undefined ? JSON.stringify(answer.json) : (answer.body ?? ''));
	};

	const server = options.cert ? await startHttpsServer({ cert: options.cert, handler }) : await startHttpServer(handler);
	return {
		...server,
		requests,
		count: (key) => requests.filter((r) => matches(key, r)).length,
		route: (key, route) => {
			parseKey(key);
			table.set(key, route);
		},
		stop: async () => {
			for (const t of timers) clearTimeout(t);
			timers.clear();
			await server.stop();
		},
	};
}
