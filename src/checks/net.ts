import { readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import type { LookupFunction, Socket } from 'node:net';
import { isIP } from 'node:net';
import { Agent, buildConnector, request } from 'undici';
import { CUT, excerpt } from './redact.ts';
import { ProbeError } from './types.ts';

/** How to reach an environment's hosts: its resolvers and the extra CA it trusts. */
export interface NetOptions {
	/** DNS servers as 'ip' or 'ip:port'; the system resolver when empty. */
	dnsServers?: string[];
	/** Extra trusted CA certificates (PEM), added to Node's defaults. */
	ca?: string;
}

const caFiles = new Map<string, string>();

/**
 * The network settings of an environment: its DNS servers and the CA file it trusts (read once).
 * An unreadable CA file is a ProbeError: the check cannot observe, and says why.
 */
export function netOptions(env: { dns?: { servers: string[] }; tls?: { caFile: string } }): NetOptions {
	const caFile = env.tls?.caFile;
	if (caFile && !caFiles.has(caFile)) {
		try {
			caFiles.set(caFile, readFileSync(caFile, 'utf8'));
		} catch (err) {
			throw new ProbeError(`tls.caFile ${caFile} cannot be read: ${(err as Error).message}`);
		}
	}
	return { dnsServers: env.dns?.servers, ca: caFile ? caFiles.get(caFile) : undefined };
}

/** A network failure with the code Node or undici gave it (ENOTFOUND, ECONNREFUSED, CERT_HAS_EXPIRED…). */
export class NetworkError extends Error {
	readonly code: string;
	readonly phase: 'dns' | 'connect' | 'tls' | 'http' | 'timeout';
	constructor(code: string, message: string) {
		super(message);
		this.name = 'NetworkError';
		this.code = code;
		this.phase = phaseOf(code);
	}
}

function phaseOf(code: string): NetworkError['phase'] {
	if (/^(ENOTFOUND|ENODATA|EREFUSED|ESERVFAIL|ETIMEOUT|ENOTIMP|EBADRESP|ECONNREFUSED_DNS)$/.test(code)) return 'dns';
	if (/CERT|TLS|SSL|SELF_SIGNED|ALTNAME|UNABLE_TO_VERIFY/.test(code)) return 'tls';
	if (/ABORT|TIMEOUT/.test(code)) return 'timeout';
	if (/^(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_SOCKET)$/.test(code)) return 'connect';
	return 'http';
}

/** The innermost error code of a (possibly wrapped) network error. */
export function errorCode(err: unknown): string {
	let e = err as { code?: unknown; cause?: unknown; name?: string } | undefined;
	let code: string | undefined;
	for (let depth = 0; e && depth < 5; depth++) {
		if (typeof e.code === 'string') code = e.code;
		if (e.name === 'AbortError' || e.name === 'TimeoutError') code ??= 'ABORTED';
		e = e.cause as typeof e;
	}
	return code ?? 'UNKNOWN';
}

/** Wraps any thrown network error in a NetworkError without its secrets-bearing request details. */
export function toNetworkError(err: unknown, what: string): NetworkError {
	if (err instanceof NetworkError) return err;
	const code = errorCode(err);
	const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
	return new NetworkError(code, `${what}: ${code === 'UNKNOWN' ? reason : `${code} (${reason})`}`);
}

/** A resolver that honours the environment's DNS servers and the abort signal. */
export async function resolveName(hostname: string, net: NetOptions, signal?: AbortSignal): Promise<string[]> {
	if (isIP(hostname)) return [hostname];
	const resolver = new Resolver({ timeout: 2_000, tries: 2 });
	if (net.dnsServers?.length) resolver.setServers(net.dnsServers);
	const cancel = () => resolver.cancel();
	signal?.addEventListener('abort', cancel, { once: true });
	try {
		signal?.throwIfAborted();
		const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
		const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
		if (addresses.length) return addresses;
		const reason = v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : undefined;
		throw new NetworkError(errorCode(reason) === 'ENODATA' ? 'ENOTFOUND' : errorCode(reason), `cannot resolve ${hostname}: ${errorCode(reason)}`);
	} catch (err) {
		if (signal?.aborted) throw new NetworkError('ABORTED', `resolving ${hostname} was stopped at the deadline`);
		throw toNetworkError(err, `cannot resolve ${hostname}`);
	} finally {
		signal?.removeEventListener('abort', cancel);
	}
}

/** A `net.connect` lookup function over the environment's resolvers (system lookup when none); stops with `signal`. */
export function lookupFor(net: NetOptions, signal?: AbortSignal): LookupFunction | undefined {
	if (!net.dnsServers?.length) return undefined;
	return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
		resolveName(hostname, net, signal).then(
			(addresses) => {
				const entries = addresses.map((address) => ({ address, family: isIP(address) }));
				if (options?.all) callback(null, entries);
				else callback(null, entries[0]!.address, entries[0]!.family);
			},
			(err: NetworkError) => callback(Object.assign(new Error(err.message), { code: err.code })),
		);
	}) as LookupFunction;
}

/**
 * A connection pool for one request. Its connector destroys the socket when `signal` aborts,
 * even in the middle of a TLS handshake, which undici's own abort does not reach: a deadline
 * must really close the connection. Probes are rare (single flight, result cache), so a
 * keep-alive pool shared between them would save little.
 */
function agentFor(net: NetOptions, signal: AbortSignal | undefined): Agent {
	const lookup = lookupFor(net, signal);
	const connector = buildConnector({ ...(net.ca ? { ca: [...tlsRootCertificates(), net.ca] } : {}), ...(lookup ? { lookup } : {}) } as buildConnector.BuildOptions);
	return new Agent({
		connect(options, callback) {
			// undici's connector returns the socket it is connecting, though its types say void.
			const socket = (connector as unknown as (o: typeof options, cb: typeof callback) => Socket | undefined)(options, callback);
			// destroy() needs an error, or undici waits on the socket for ever.
			signal?.addEventListener('abort', () => socket?.destroy(new Error('stopped at the deadline')), { once: true });
		},
	});
}

let roots: readonly string[] | undefined;
function tlsRootCertificates(): readonly string[] {
	// Lazily: node:tls is only needed when an environment adds its own CA.
	return (roots ??= process.getBuiltinModule('node:tls').rootCertificates);
}

export interface HttpRequest {
	method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
	headers?: Record<string, string>;
	/** A JSON body; sets content-type. */
	json?: unknown;
	signal?: AbortSignal;
	/**
	 * Bodies larger than this are cut (a probe never needs megabytes), ending in `CUT` so that the
	 * redactor can remove a secret the cut split. Default 1 MiB.
	 */
	maxBodyBytes?: number;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string>;
	body: string;
	durationMs: number;
}

/**
 * One HTTP(S) request over the environment's resolvers and CA. Network failures throw
 * `NetworkError` (with a code); any HTTP status is a response. Aborting `signal` destroys the
 * socket, so a deadline really ends the request.
 *
 * @example
 * const res = await httpRequest('https://ai.coder.com/healthz', { signal }, env.net);
 */
export async function httpRequest(url: string, req: HttpRequest, net: NetOptions = {}): Promise<HttpResponse> {
	const started = performance.now();
	const limit = req.maxBodyBytes ?? 1 << 20;
	const agent = agentFor(net, req.signal);
	try {
		const res = await request(url, {
			method: req.method ?? (req.json === undefined ? 'GET' : 'POST'),
			headers: { ...(req.json === undefined ? {} : { 'content-type': 'application/json' }), ...req.headers },
			body: req.json === undefined ? undefined : JSON.stringify(req.json),
			signal: req.signal,
			dispatcher: agent,
		});
		const chunks: Buffer[] = [];
		let size = 0;
		let cut = false;
		for await (const chunk of res.body) {
			size += chunk.length;
			if (size > limit) {
				res.body.destroy();
				cut = true;
				break;
			}
			chunks.push(chunk);
		}
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
		return { status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') + (cut ? CUT : ''), durationMs: performance.now() - started };
	} catch (err) {
		if (req.signal?.aborted) throw new NetworkError('ABORTED', `${new URL(url).host}: stopped at the deadline`);
		throw toNetworkError(err, new URL(url).host);
	} finally {
		agent.destroy().catch(() => {});
	}
}

/** Parses a JSON body or throws a message that says what answered instead. */
export function parseJson<T = unknown>(res: HttpResponse, what: string): T {
	try {
		return JSON.parse(res.body) as T;
	} catch {
		throw new Error(`${what} answered ${res.status} with a body that is not JSON: ${excerpt(res.body, 120)}`);
	}
}
