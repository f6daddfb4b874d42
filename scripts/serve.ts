#!/usr/bin/env node
// `npm start`: refuses a bad config or an unusable data directory before listening, marks checks
// a previous process left running as interrupted, prints the facilitator sign-in, then serves
// the built site (dist/) with the Node adapter (HOST, PORT), plus the WebSocket echo of the
// participants' self-check (/api/echo), which an Astro endpoint cannot answer. On SIGTERM it
// drains before exiting (src/server/lifecycle.ts).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, unsetReport } from '../src/checks/load-config.ts';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/server/app.ts';
import { shareAcceptFirst, yourTurn } from '../src/server/accept-first.ts';
import { attachEcho } from '../src/server/echo.ts';
import { mergePolicies, secureEveryResponse } from '../src/server/headers.ts';
import { drain, draining } from '../src/server/lifecycle.ts';
import { limitStream } from '../src/server/log-limit.ts';
import { selfCheckOrigins } from '../src/server/self-check-targets.ts';
import { StoreUnavailableError } from '../src/store/store.ts';

// Every log line bounded and repeated kinds rate-limited: requests cannot fill the disk through the log.
limitStream(process.stdout);
limitStream(process.stderr);

const entry = fileURLToPath(new URL('../dist/server/entry.mjs', import.meta.url));
if (!existsSync(entry)) {
	console.error('handbook: no build in dist/: run `npm run build` first.');
	process.exit(2);
}

// The platform the participants' self-checks connect to: the only other origin pages may reach.
let selfCheckConnect = '';
try {
	const app = await createApp();
	selfCheckConnect = `connect-src ${selfCheckOrigins(app.engine.environment(undefined)).join(' ')}`;
	const unset = unsetReport(app.engine.handbook);
	if (unset.length) app.log(`handbook: ${unset.length} config value(s) still to set; the checks that need them report "not configured":\n${unset.map((u) => `  - ${u}`).join('\n')}`);
	const interrupted = (await app.store.auditLog({})).filter((e) => e.action === 'check.interrupted').length;
	if (interrupted) app.log(`handbook: ${interrupted} check(s) were interrupted by an earlier stop; their pages show it.`);
	if (app.auth.usesConfiguredToken) app.log('handbook: facilitators sign in with HANDBOOK_FACILITATOR_TOKEN.');
	// Without a configured token, every start prints a fresh one-time link (the last one may be used up).
	else await app.auth.issueOneTimeToken();
	app.events.close();
	await app.store.close();
} catch (err) {
	if (err instanceof ConfigError || err instanceof StoreUnavailableError) {
		console.error(`handbook: ${err.message}`);
		process.exit(2);
	}
	throw err;
}

/**
 * The Content-Security-Policy of the prerendered pages (dist/_headers.json): Astro's, from
 * security.csp with the inline hashes, one for the whole site (sitePolicyIntegration).
 */
function pagePolicies(): string[] {
	const entries = JSON.parse(readFileSync(new URL('../dist/_headers.json', import.meta.url), 'utf8')) as Array<{ pathname: string; headers: Array<{ key: string; value: string }> }>;
	return entries.flatMap((e) => e.headers.filter((h) => h.key.toLowerCase() === 'content-security-policy').map((h) => h.value));
}

const drainSeconds = Number(process.env.HANDBOOK_DRAIN_SECONDS ?? 10);
if (!Number.isFinite(drainSeconds) || drainSeconds < 0) {
	console.error(`handbook: HANDBOOK_DRAIN_SECONDS must be a number of seconds ≥ 0, not "${process.env.HANDBOOK_DRAIN_SECONDS}"`);
	process.exit(2);
}

// Start the adapter's server ourselves (same HOST/PORT handling) to reach its http.Server. Its
// handler looks for a static file first (a stat, a second request object and route match, a
// thread-pool round trip) and only then renders; `handler` is the rendering alone.
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const adapter = (await import(entry)) as { startServer: () => { server: { server: Server } }; handler: Handler };
const http: Server = adapter.startServer().server.server;
attachEcho(http);

// While draining, only the health endpoint answers (readiness says 503); any other request is
// refused with 503 and Retry-After, its connection closed, so a load balancer sends it elsewhere.
// Live streams open after every waiting connection has been taken in, one per turn
// (src/server/accept-first.ts): a burst of them cannot hold up anyone else's request. They wait
// here, before Astro's pipeline, and again in the endpoint (the pipeline's own awaits, a page
// module's import among them, would otherwise let several of them run in one turn again).
// The API's requests go straight to the rendering: the build puts no file under /api/ (checked
// here, so a page or file added there one day is still served), and the adapter's static handler
// would only find that out (decodeURI's refusal, the one thing it does first, is kept).
const handlers = http.listeners('request') as Handler[];
http.removeAllListeners('request');
shareAcceptFirst(http);
const liveStream = /^\/api\/runs\/[^/?]+\/events(?:\?|$)/;
const apiOnly = !existsSync(fileURLToPath(new URL('../dist/client/api', import.meta.url)));
const isApi = (url: string) => {
	if (!apiOnly || !url.startsWith('/api/')) return false;
	try {
		decodeURI(url);
		return true;
	} catch {
		return false;
	}
};
http.on('request', (req: IncomingMessage, res: ServerResponse) => {
	const url = req.url ?? '';
	if (draining() && !url.startsWith('/api/health')) {
		res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '5', connection: 'close' });
		res.end(JSON.stringify({ error: 'the handbook is restarting; try again in a few seconds' }));
		return;
	}
	const handle = () => {
		// A client that left while its stream waited costs nothing more.
		if (req.socket.destroyed) return;
		if (isApi(url)) adapter.handler(req, res);
		else for (const handler of handlers) handler.call(http, req, res);
	};
	if (req.method === 'GET' && liveStream.test(url)) void yourTurn().then(handle);
	else handle();
});
// Security headers on every response (the drain's refusals, the static handler's pages and assets
// included). The pages' policy is the build's, plus the one thing only known now: the origin of
// the self-check WebSocket in the config this server runs with (HANDBOOK_CONFIG may differ from
// the one the site was built with).
const policies = pagePolicies();
secureEveryResponse(http, mergePolicies([...policies, selfCheckConnect]), new Set(policies));

// The built app is created by its first request: ask for it now, so the config, the store and the
// parsed checklist pages are ready before the first visitor (readiness answers once they are).
const warmUp = () => {
	const { address, port } = http.address() as AddressInfo;
	const host = address === '0.0.0.0' || address === '::' ? 'localhost' : address.includes(':') ? `[${address}]` : address;
	fetch(`http://${host}:${port}/api/health?ready`)
		.then((res) => res.body?.cancel())
		.catch((err: Error) => console.error(`handbook: could not warm up on ${host}:${port}: ${err.message}`));
};
if (http.listening) warmUp();
else http.once('listening', warmUp);

// Graceful stop (SIGTERM from a supervisor, or Ctrl-C): stop taking work, tell live streams to
// reconnect, give running checks HANDBOOK_DRAIN_SECONDS to finish (the rest are marked
// interrupted), close the store, then exit 0.
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		console.log(`handbook: ${signal}: draining (up to ${drainSeconds} s for running checks)`);
		void drain(drainSeconds * 1000).finally(() => {
			http.close();
			http.closeAllConnections();
			console.log('handbook: stopped');
			process.exit(0);
		});
	});
}
