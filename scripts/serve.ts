#!/usr/bin/env node
// `npm start`: refuses a bad config or an unusable data directory before listening, marks checks
// a previous process left running as interrupted, prints the facilitator sign-in, then serves
// the built site (dist/) with the Node adapter (HOST, PORT), plus the WebSocket echo of the
// participants' self-check (/api/echo), which an Astro endpoint cannot answer.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, unsetReport } from '../src/checks/load-config.ts';
import type { Server } from 'node:http';
import { createApp } from '../src/server/app.ts';
import { attachEcho } from '../src/server/echo.ts';
import { StoreUnavailableError } from '../src/store/store.ts';

const entry = fileURLToPath(new URL('../dist/server/entry.mjs', import.meta.url));
if (!existsSync(entry)) {
	console.error('handbook: no build in dist/: run `npm run build` first.');
	process.exit(2);
}

try {
	const app = await createApp();
	const unset = unsetReport(app.engine.handbook);
	if (unset.length) app.log(`handbook: ${unset.length} config value(s) still to set; the checks that need them report "not configured":\n${unset.map((u) => `  - ${u}`).join('\n')}`);
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

// Start the adapter's standalone server ourselves (same HOST/PORT handling) to reach its http.Server.
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const { startServer } = (await import(entry)) as { startServer: () => { server: { server: Server } } };
attachEcho(startServer().server.server);
