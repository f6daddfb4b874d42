import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import { HANDBOOK_SITE } from '../site.ts';

/** Decides whether an address (the socket's, then each X-Forwarded-For hop) is a proxy to believe. */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * Reads HANDBOOK_TRUST_PROXY: unset or empty trusts no proxy (the socket address is the client);
 * a whole number N trusts N proxies in front of the handbook; otherwise a comma-separated list of
 * addresses or CIDR ranges ("10.0.0.0/8, 127.0.0.1", or the names loopback, linklocal,
 * uniquelocal) of the proxies to believe. A bad value is refused naming the variable.
 *
 * @example
 * trustProxyFrom('1')              // one reverse proxy: X-Forwarded-For's last hop is the client
 * trustProxyFrom('10.0.0.0/8')     // believe forwarded headers only from the private network
 */
export function trustProxyFrom(value: string | undefined = process.env.HANDBOOK_TRUST_PROXY): TrustProxy {
	const raw = (value ?? '').trim();
	if (raw === '' || raw === '0' || raw === 'false') return () => false;
	if (/^\d+$/.test(raw)) {
		const hops = Number(raw);
		return (_address, hop) => hop < hops;
	}
	try {
		return proxyAddr.compile(raw.split(',').map((s) => s.trim()).filter(Boolean));
	} catch (err) {
		throw new Error(`HANDBOOK_TRUST_PROXY="${raw}" is neither a hop count nor a list of addresses or CIDR ranges: ${(err as Error).message}`);
	}
}

let trusted: TrustProxy | undefined;
function trust(): TrustProxy {
	return (trusted ??= trustProxyFrom());
}

/** What the handbook believes about who sent a request. */
export interface Client {
	/** The client's address: the socket's, or the first untrusted X-Forwarded-For hop. */
	address: string;
	/** Whether the client reached us over https (X-Forwarded-Proto of a trusted proxy, or TLS here). */
	https: boolean;
}

/**
 * Who sent a request, believing X-Forwarded-For and X-Forwarded-Proto only as far as
 * HANDBOOK_TRUST_PROXY says.
 */
export function clientOf(headers: Headers | IncomingMessage['headers'], socketAddress: string, socketHttps = false, trustProxy: TrustProxy = trust()): Client {
	const get = (name: string): string | undefined => {
		const v = headers instanceof Headers ? headers.get(name) : headers[name];
		return Array.isArray(v) ? v.join(',') : (v ?? undefined);
	};
	// proxy-addr reads an IncomingMessage; only these two fields of it.
	const req = { socket: { remoteAddress: socketAddress }, connection: { remoteAddress: socketAddress }, headers: { 'x-forwarded-for': get('x-forwarded-for') } } as unknown as IncomingMessage;
	const address = proxyAddr(req, trustProxy);
	let https = socketHttps;
	if (trustProxy(socketAddress, 0)) {
		// The proto the outermost trusted proxy saw: the first value of the header.
		const proto = get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
		if (proto === 'https') https = true;
		else if (proto === 'http') https = false;
	}
	return { address, https };
}

/** The handbook's public URL: HANDBOOK_SITE_URL, else the site the build was made for. */
export function siteUrl(): URL {
	const raw = process.env.HANDBOOK_SITE_URL || HANDBOOK_SITE;
	try {
		return new URL(raw);
	} catch {
		throw new Error(`HANDBOOK_SITE_URL="${raw}" is not an absolute URL such as "https://handbook.ai.coder.com"`);
	}
}

/** The client of an Astro request (its socket address from the adapter). */
export function requestClient(context: { request: Request; clientAddress: string; url: URL }): Client {
	return clientOf(context.request.headers, context.clientAddress, context.url.protocol === 'https:');
}

/** Whether the session cookie must be Secure: the client came over https, or the site is https. */
export function secureCookies(client: Client): boolean {
	return client.https || siteUrl().protocol === 'https:';
}
