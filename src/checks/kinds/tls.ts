import { isIP } from 'node:net';
import { checkServerIdentity, connect, rootCertificates, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import { z } from 'zod';
import { errorCode, lookupFor, netOptions } from '../net.ts';
import { ProbeError, type Kind } from '../types.ts';

export const params = z.strictObject({
	/** Host to connect to (name or address). */
	host: z.string().min(1),
	port: z.number().int().min(1).max(65535).default(443),
	/** SNI and the name the certificate must cover; default `host`. */
	servername: z.string().min(1).optional(),
	/** Further names the certificate must cover, e.g. a random label under the wildcard host. */
	names: z.array(z.string().min(1)).optional(),
});

const DAY_MS = 86_400_000;

/** Whether a certificate covers a name, by Node's own rules (wildcards match one label). */
function covers(cert: PeerCertificate, name: string): boolean {
	return checkServerIdentity(name, cert) === undefined;
}

function first(value: string | string[] | undefined): string {
	return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * Reads the certificate a TLS server presents (without rejecting it), over the environment's
 * resolvers: how long it is valid, which names it covers, and whether it is trusted (Node's CAs
 * plus the environment's CA). An expired, untrusted or wrong-name certificate is an observation;
 * no TLS handshake (DNS failure, refused, deadline) is a ProbeError.
 *
 * Observed values:
 * - `daysLeft` (number): days until `validTo`, fractional (floored to 0.01), negative once expired.
 * - `validTo` (string): the end of validity, ISO 8601.
 * - `subject` (string): the subject's CN.
 * - `issuer` (string): the issuer's CN (or O).
 * - `altNames` (string[]): the subject alternative names, e.g. ["coder.example.com", "*.coder.example.com"].
 * - `authorized` (boolean): the chain is trusted and covers the server name.
 * - `authorizationError` (string | null): why not, e.g. CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID.
 * - `coversHost` (boolean): the certificate covers `servername` (default `host`).
 * - `uncoveredNames` (string, comma-separated, "" if none): of `servername` and `names`, those not covered.
 */
const tls: Kind<z.output<typeof params>> = {
	name: 'tls',
	params,
	async observe(p, ctx) {
		const net = netOptions(ctx.environment);
		const servername = p.servername ?? p.host;
		const where = `${p.host}:${p.port}`;
		const cert = await new Promise<{ cert: DetailedPeerCertificate; authorized: boolean; authorizationError: string | null }>((resolve, reject) => {
			if (ctx.signal.aborted) return reject(new ProbeError(`no TLS handshake with ${where} before the deadline`, { error: 'ABORTED' }));
			const lookup = lookupFor(net, ctx.signal);
			const socket = connect({
				host: p.host,
				port: p.port,
				// SNI cannot be an address.
				...(isIP(servername) ? {} : { servername }),
				rejectUnauthorized: false,
				...(net.ca ? { ca: [...rootCertificates, net.ca] } : {}),
				...(lookup ? { lookup } : {}),
			});
			const onAbort = () => {
				socket.destroy();
				reject(new ProbeError(`no TLS handshake with ${where} before the deadline`, { error: 'ABORTED' }));
			};
			ctx.signal.addEventListener('abort', onAbort, { once: true });
			const done = () => ctx.signal.removeEventListener('abort', onAbort);
			socket.once('secureConnect', () => {
				done();
				const peer = socket.getPeerCertificate(true);
				const authorizationError = socket.authorizationError as unknown as string | Error | undefined;
				resolve({
					cert: peer,
					authorized: socket.authorized,
					authorizationError: authorizationError === undefined || authorizationError === null ? null : typeof authorizationError === 'string' ? authorizationError : errorCode(authorizationError),
				});
				socket.end();
				socket.destroy();
			});
			socket.on('error', (err) => {
				done();
				socket.destroy();
				const code = errorCode(err);
				reject(new ProbeError(`no TLS handshake with ${where}: ${code} (${err.message})`, { error: code }));
			});
		});
		if (!cert.cert || !cert.cert.valid_to) throw new ProbeError(`${where} presented no certificate`);
		const c = cert.cert;
		const validTo = new Date(c.valid_to);
		const altNames = (c.subjectaltname ?? '')
			.split(/,\s*/)
			.filter(Boolean)
			.map((entry) => entry.replace(/^(DNS|IP Address):/, ''));
		const uncovered = [servername, ...(p.names ?? [])].filter((name) => !covers(c, name));
		return {
			daysLeft: Math.floor(((validTo.getTime() - ctx.now().getTime()) / DAY_MS) * 100) / 100,
			validTo: validTo.toISOString(),
			subject: first(c.subject?.CN),
			issuer: first(c.issuer?.CN) || first(c.issuer?.O),
			altNames,
			authorized: cert.authorized,
			authorizationError: cert.authorizationError,
			coversHost: covers(c, servername),
			uncoveredNames: [...new Set(uncovered)].join(', '),
		};
	},
};

export default tls;
