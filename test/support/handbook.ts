import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, type ApiAnswer, type CallInit } from './api-client.ts';
import { startServer, type RunningServer } from './server.ts';

/** The facilitator token the handbooks started here accept (HANDBOOK_FACILITATOR_TOKEN). */
export const facilitatorToken = 'facilitator-token-for-tests-8e41';

/** The one region of the test environment "local": loopback. */
export const loopbackRegion = { name: 'loopback', title: 'Loopback', host: '127.0.0.1', wildcard: '*.example.test', kubeContext: 'loopback', proxy: 'primary' };

export interface TestConfig {
	/** The checks; their ids must be bound on the page a test runs (most use pre-workshop's). */
	checks?: unknown[];
	/** Logical secret name → environment variable, for the environment "local". */
	secrets?: Record<string, string>;
	/** More of the environment "local" (regions with a port, prometheus…), over the defaults. */
	environment?: Record<string, unknown>;
}

/**
 * Writes a handbook.config.ts of one environment "local" (the loopback region) and the given
 * checks into a directory of its own (never the data directory, which a test may fill); returns
 * its path, for HANDBOOK_CONFIG.
 */
export function writeTestConfig(config: TestConfig = {}): string {
	const file = join(mkdtempSync(join(tmpdir(), 'handbook-config-')), 'handbook.config.ts');
	const handbook = {
		defaultEnvironment: 'local',
		environments: { local: { title: 'Local test targets', regions: [loopbackRegion], secrets: config.secrets ?? {}, ...config.environment } },
		checks: config.checks ?? [],
	};
	writeFileSync(file, `export default ${JSON.stringify(handbook, null, 2)};\n`);
	return file;
}

export interface Handbook {
	server: RunningServer;
	url: string;
	dataDir: string;
	configFile: string;
	/** A request as a browser page makes it (JSON, same Origin), with the session cookie once signed in. */
	api: (path: string, init?: CallInit) => Promise<ApiAnswer>;
	/** Signs in with the facilitator token; later `api` calls carry the session cookie, which it returns. */
	signIn: () => Promise<string>;
	stop: () => Promise<void>;
}

/**
 * The built handbook started as `npm start` does, on loopback: a config (written with
 * `writeTestConfig`, or `configFile`), a data directory (a new temporary one unless given) and
 * the facilitator token.
 *
 * @example
 * const h = await startHandbook({ checks: [healthz] }); await h.signIn(); (await h.api('/api/runs', { json: { checklist: 'pre-workshop' } })).status // → 201
 */
export async function startHandbook(options: TestConfig & { configFile?: string; dataDir?: string; env?: Record<string, string> } = {}): Promise<Handbook> {
	const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'handbook-data-'));
	const configFile = options.configFile ?? writeTestConfig(options);
	const server = await startServer({ HANDBOOK_CONFIG: configFile, HANDBOOK_DATA_DIR: dataDir, HANDBOOK_FACILITATOR_TOKEN: facilitatorToken, ...options.env });
	const client = apiClient(server.url);
	return {
		server,
		url: server.url,
		dataDir,
		configFile,
		api: client.call,
		signIn: () => client.signIn(facilitatorToken, 'Test facilitator'),
		stop: () => server.stop(),
	};
}
