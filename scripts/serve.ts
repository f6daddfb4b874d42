#!/usr/bin/env node
// `npm start`: refuses a bad config or an unusable data directory before listening, marks checks
// a previous process left running as interrupted, prints the facilitator sign-in, then serves
// the built site (dist/) with the Node adapter (HOST, PORT), plus the WebSocket echo of the
// participants' self-check (/api/echo), which an Astro endpoint cannot answer. On SIGTERM it
// drains before exiting (src/server/lifecycle.ts).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../src/checks/load-config.ts';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createApp } from '../src/server/app.ts';
import { attachEcho } from '../src/server/echo.ts';
import { drain, draining } from '../src/server/lifecycle.ts';
import { StoreUnavailableError } from '../src/store/store.ts';

const entry = fileURLToPath(new URL('../dist/server/entry.mjs', import.meta.url));
if (!existsSync(entry)) {
	console.error('handbook: no build in dist/: run `npm run build` first.');
	process.exit(2);
}

try {
	const app = await createApp();
	const interrupted = app.store.auditLog({}).filter((e) => e.action === 'check.interrupted').length;
	if (interrupted) app.log(`handbook: ${interrupted} check(s) were interrupted by an earlier stop; their pages show it.`);
	if (app.auth.usesConfiguredToken) app.log('handbook: facilitators sign in with HANDBOOK_FACILITATOR_TOKEN.');
	// Without a configured token, every start prints a fresh one-time link (the last one may be used up).
	else app.auth.issueOneTimeToken();
	app.events.close();
	app.store.close();
} catch (err) {
	if (err instanceof ConfigError || err instanceof StoreUnavailableError) {
		console.error(`handbook: ${err.message}`);
		process.exit(2);
	}
	throw err;
}

const drainSeconds = Number(process.env.HANDBOOK_DRAIN_SECONDS ?? 10);
if (!Number.isFinite(drainSeconds) || drainSeconds < 0) {
	console.error(`handbook: HANDBOOK_DRAIN_SECONDS must be a number of seconds ≥ 0, not "${process.env.HANDBOOK_DRAIN_SECONDS}"`);
	process.exit(2);
}

// Start the adapter's standalone server ourselves (same HOST/PORT handling) to reach its http.Server.
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const { startServer } = (await import(entry)) as { startServer: () => { server: { server: Server } } };
const http = startServer().server.server;
attachEcho(http);

// While draining, only the health endpoint answers (readiness says 503); any other request is
// refused with 503 and Retry-After, its connection closed, so a load balancer sends it elsewhere.
const handlers = http.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
http.removeAllListeners('request');
http.on('request', (req: IncomingMessage, res: ServerResponse) => {
	if (draining() && !(req.url ?? '').startsWith('/api/health')) {
		res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '5', connection: 'close' });
		res.end(JSON.stringify({ error: 'the handbook is restarting; try again in a few seconds' }));
		return;
	}
	for (const handler of handlers) handler.call(http, req, res);
});

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
