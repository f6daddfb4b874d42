import { connect } from 'node:net';
import { z } from 'zod';
import { errorCode, lookupFor, netOptions } from '../net.ts';
import type { Kind } from '../types.ts';

export const params = z.strictObject({
	host: z.string().min(1),
	port: z.number().int().min(1).max(65535),
});

/**
 * Opens a TCP connection (over the environment's resolvers) and closes it at once. A refused,
 * unresolvable or unanswered connection is an observation; the attempt stops at the deadline.
 *
 * Observed values:
 * - `connected` (boolean): the connection was established.
 * - `durationMs` (number): time to connect, or to the failure.
 * - `error` (string | null): ECONNREFUSED, ENOTFOUND, EHOSTUNREACH, ABORTED (deadline)…; null when connected.
 */
const tcp: Kind<z.output<typeof params>> = {
	name: 'tcp',
	params,
	async observe(p, ctx) {
		const net = netOptions(ctx.environment);
		const started = performance.now();
		const error = await new Promise<string | null>((resolve) => {
			if (ctx.signal.aborted) return resolve('ABORTED');
			const lookup = lookupFor(net, ctx.signal);
			const socket = connect({ host: p.host, port: p.port, ...(lookup ? { lookup } : {}) });
			const finish = (code: string | null) => {
				ctx.signal.removeEventListener('abort', onAbort);
				socket.destroy();
				resolve(code);
			};
			const onAbort = () => finish('ABORTED');
			ctx.signal.addEventListener('abort', onAbort, { once: true });
			socket.once('connect', () => finish(null));
			socket.on('error', (err) => finish(errorCode(err)));
		});
		return { connected: error === null, durationMs: Math.round(performance.now() - started), error };
	},
};

export default tcp;
