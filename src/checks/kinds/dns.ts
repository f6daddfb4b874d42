import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import { netOptions, NetworkError, resolveName, type NetOptions } from '../net.ts';
import { ProbeError, type Kind } from '../types.ts';

export const params = z.strictObject({
	/** Names to resolve, e.g. the region hosts and a random label under each wildcard. */
	names: z.array(z.string().min(1)).min(1, { error: 'give at least one name to resolve' }),
	/** Addresses (or CNAME targets) the names must resolve to; any other answer is unexpected. */
	expected: z.array(z.string().min(1)).optional(),
});

/** Resolver codes that mean the DNS server did not answer, not that a name is missing. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ETIMEOUT', 'ECANCELLED', 'ECONNREFUSED_DNS']);

const normalize = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

/** The CNAME chain of a name (its targets, nearest first), over the environment's resolvers; empty when none. */
async function cnameChain(name: string, net: NetOptions, signal: AbortSignal): Promise<string[]> {
	const resolver = new Resolver({ timeout: 2_000, tries: 2 });
	if (net.dnsServers?.length) resolver.setServers(net.dnsServers);
	const cancel = () => resolver.cancel();
	signal.addEventListener('abort', cancel, { once: true });
	const chain: string[] = [];
	try {
		for (let current = name; chain.length < 8; ) {
			const [target] = await resolver.resolveCname(current).catch(() => [] as string[]);
			if (!target) break;
			current = normalize(target);
			chain.push(current);
		}
	} finally {
		signal.removeEventListener('abort', cancel);
	}
	return chain;
}

/**
 * Resolves names (A and AAAA, following CNAMEs) over the environment's DNS servers. A name that
 * does not resolve (NXDOMAIN, SERVFAIL, no answer) is an observation, not an error; so is a name
 * whose addresses are not all in `expected` (or whose CNAME chain does not reach an expected
 * name). It is an error when no DNS server answers at all (every name failed with ECONNREFUSED
 * or ETIMEOUT) or when the lookups cannot finish before the deadline.
 *
 * Observed values:
 * - `total` (number): names asked.
 * - `resolved` (number): names that resolved.
 * - `failed` (number), `failedNames` (string, comma-separated, "" if none): names that did not resolve.
 * - `errors` (object): name → resolver error code (ENOTFOUND, ESERVFAIL, EREFUSED, ETIMEOUT…) for each failed name.
 * - `unexpected` (number), `unexpectedNames` (string, comma-separated, "" if none): resolved names
 *   with an address outside `expected` (always 0 and "" without `expected`).
 * - `answers` (object): name → its addresses (string[]), for the names that resolved.
 */
const dns: Kind<z.output<typeof params>> = {
	name: 'dns',
	params,
	async observe(p, ctx) {
		const net = netOptions(ctx.environment);
		const names = p.names.map(normalize);
		const expected = new Set((p.expected ?? []).map(normalize));
		const expectsNames = [...expected].some((e) => !isIP(e));
		type Result = { name: string; addresses: string[]; chain: string[] } | { name: string; code: string };
		const results = await Promise.all(
			names.map(async (name): Promise<Result> => {
				try {
					const addresses = await resolveName(name, net, ctx.signal);
					const chain = expectsNames ? await cnameChain(name, net, ctx.signal) : [];
					return { name, addresses, chain };
				} catch (err) {
					return { name, code: err instanceof NetworkError ? err.code : 'UNKNOWN' };
				}
			}),
		);
		const answers: Record<string, string[]> = {};
		const errors: Record<string, string> = {};
		const unexpectedNames: string[] = [];
		for (const r of results) {
			if ('code' in r) {
				errors[r.name] = r.code;
				continue;
			}
			answers[r.name] = r.addresses;
			if (!expected.size) continue;
			const byAddress = r.addresses.every((a) => expected.has(a));
			const byCname = r.chain.some((target) => expected.has(target));
			if (!byAddress && !byCname) unexpectedNames.push(r.name);
		}
		const failedNames = Object.keys(errors);
		const observed = {
			total: names.length,
			resolved: Object.keys(answers).length,
			failed: failedNames.length,
			failedNames: failedNames.join(', '),
			errors,
			unexpected: unexpectedNames.length,
			unexpectedNames: unexpectedNames.join(', '),
			answers,
		};
		if (ctx.signal.aborted) throw new ProbeError(`DNS lookups did not finish before the deadline (${observed.resolved} of ${observed.total} resolved)`, observed);
		// Every name failing because no server answered says nothing about the names.
		const codes = Object.values(errors);
		if (!observed.resolved && codes.every((code) => UNREACHABLE.has(code))) {
			const servers = net.dnsServers?.length ? net.dnsServers.join(', ') : 'the system resolver';
			throw new ProbeError(`no DNS server answered (${servers}): ${[...new Set(codes)].join(', ')}`, observed);
		}
		return observed;
	},
};

export default dns;
