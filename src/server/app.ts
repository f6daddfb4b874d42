import type { Registry } from 'prom-client';
import { ChecklistRegistry, docsDir } from '../checklists/registry.ts';
import { kinds } from '../checks/kinds/index.ts';
import { loadConfig } from '../checks/load-config.ts';
import { thresholdText } from '../checks/thresholds.ts';
import { finishText } from '../checks/redact.ts';
import { Engine, type EngineOptions } from '../checks/runner.ts';
import { openStore, type Store } from '../store/store.ts';
import { Auth } from './auth.ts';
import { EventHub } from './events.ts';
import { drainOnShutdown } from './lifecycle.ts';
import { metricsRegistry } from './metrics.ts';
import { Oidc } from './oidc.ts';
import { RateLimiter } from './rate-limit.ts';
import { RunService } from './runs.ts';
import { WorkshopService } from './workshops.ts';

/** Everything the endpoints and the CLI share in one process. */
export interface App {
	engine: Engine;
	store: Store;
	service: RunService;
	/** The workshop loop: room code, help requests, feedback, incidents, summary. */
	workshops: WorkshopService;
	events: EventHub;
	auth: Auth;
	/** Sign-in through the identity provider, when `identity` is configured. */
	oidc: Oidc | null;
	limiter: RateLimiter;
	metrics: Registry;
	/** Logs a line with every secret value removed. */
	log: (line: string) => void;
}

export interface AppOptions extends EngineOptions {
	configFile?: string;
	dataDir?: string;
	/** A postgres:// URL; default $HANDBOOK_DATABASE_URL (unset: SQLite in the data directory). */
	databaseUrl?: string;
	docsDir?: string;
	scenariosDir?: string;
}

/** Loads the config (refusing a bad one with every problem), opens the store, wires the services. */
export async function createApp(options: AppOptions = {}): Promise<App> {
	const handbook = await loadConfig(kinds, options.configFile);
	const engine = new Engine(handbook, options);
	const store = await openStore({ dataDir: options.dataDir, now: options.now, ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}) });
	const service = new RunService(engine, store, new ChecklistRegistry(options.docsDir ?? docsDir(), thresholdText(handbook.checks.values()), { recheckMs: 1000 }), { scenariosDir: options.scenariosDir, now: options.now });
	const events = new EventHub(store, service);
	service.events = events;
	// Several instances on one Postgres: what another commits reaches the live pages here at once
	// (LISTEN / NOTIFY), as do the checks a dead instance left and a sweep here interrupted.
	await store.onChange((runId) => events.notify(runId));
	store.instances.onInterrupted = (runIds) => runIds.forEach((id) => events.notify(id));
	const auth = new Auth(store);
	// Redacted first, then cut (a quoted upstream answer may carry the marks of its cut).
	const log = (line: string) => console.log(finishText(engine.redactor.text(line)));
	auth.onNewToken = (token) => {
		engine.redactor.add(token);
		const host = process.env.HOST && process.env.HOST !== '0.0.0.0' ? process.env.HOST : 'localhost';
		// Printed raw on purpose: this line is how the operator signs in.
		console.log(`\n  Facilitator sign-in (one-time link): http://${host}:${process.env.PORT ?? 4321}/api/session?token=${token}\n`);
	};
	return { engine, store, service, workshops: new WorkshopService(store, { now: options.now }), events, auth, oidc: handbook.identity ? new Oidc(handbook.identity) : null, limiter: new RateLimiter({ shared: store.backend === 'postgres' ? store.rateBuckets : undefined }), metrics: metricsRegistry(store, engine), log };
}

let shared: Promise<App> | undefined;

/**
 * The process-wide app, created on first use (`npm start` asks its own /api/health as soon as it
 * listens, so that is before the first visitor). Every checklist page is parsed then, once
 * (about half a second for the handbook's pages), rather than by whichever request first needs
 * a checklist while others wait behind it.
 */
export function getApp(): Promise<App> {
	shared ??= createApp()
		.then((app) => {
			try {
				app.service.checklists.all();
			} catch (err) {
				// A page edited into bad frontmatter: its checklist's requests say so; the rest serve on.
				app.log(`handbook: ${(err as Error).message}`);
			}
			return drainOnShutdown(app);
		})
		.catch((err) => {
			shared = undefined;
			throw err;
		});
	return shared;
}
