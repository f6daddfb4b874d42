import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/server.ts';

export const facilitatorToken = 'facilitator-token-for-security-tests-8e41';

export interface Handbook {
	server: RunningServer;
	url: string;
	dataDir: string;
	/** A request to the handbook; JSON in and out, same-origin like a browser page unless told otherwise. */
	api: (path: string, init?: RequestInit & { json?: unknown }) => Promise<{ status: number; body: any; text: string; headers: Headers }>;
	/** Signs in with the configured token; later `api` calls carry the session cookie. */
	signIn: () => Promise<string>;
	stop: () => Promise<void>;
}

/**
 * The built handbook started as `npm start` does, on loopback, with a config of the given checks
 * (their ids must be bound on the pre-workshop page) in one environment "local".
 */
export async function startHandbook(options: { checks?: unknown[]; secrets?: Record<string, string>; env?: Record<string, string>; environment?: Record<string, unknown> } = {}): Promise<Handbook> {
	const dataDir = mkdtempSync(join(tmpdir(), 'handbook-security-'));
	const config = {
		defaultEnvironment: 'local',
		environments: {
			local: {
				title: 'Local test targets',
				regions: [{ name: 'loopback', title: 'Loopback', host: '127.0.0.1', wildcard: '*.example.test', kubeContext: 'loopback', proxy: 'primary' }],
				secrets: options.secrets ?? {},
				...options.environment,
			},
		},
		checks: options.checks ?? [],
	};
	const configFile = join(dataDir, 'handbook.config.ts');
	writeFileSync(configFile, `export default ${JSON.stringify(config, null, 2)};\n`);
	const server = await startServer({ HANDBOOK_CONFIG: configFile, HANDBOOK_DATA_DIR: dataDir, HANDBOOK_FACILITATOR_TOKEN: facilitatorToken, ...options.env });
	let cookie = '';
	const api: Handbook['api'] = async (path, init = {}) => {
		const headers = new Headers(init.headers);
		if (init.json !== undefined) headers.set('content-type', 'application/json');
		if (cookie && !headers.has('cookie')) headers.set('cookie', cookie);
		if (!headers.has('origin')) headers.set('origin', server.url);
		const res = await fetch(server.url + path, { ...init, headers, body: init.json === undefined ? init.body : JSON.stringify(init.json), redirect: 'manual' });
		const text = await res.text();
		let body: any = text;
		try {
			body = JSON.parse(text);
		} catch {
			// not JSON
		}
		return { status: res.status, body, text, headers: res.headers };
	};
	return {
		server,
		url: server.url,
		dataDir,
		api,
		async signIn() {
			const res = await api('/api/session', { method: 'POST', json: { token: facilitatorToken, name: 'Security test' } });
			if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
			cookie = res.headers.get('set-cookie')!.split(';')[0]!;
			return cookie;
		},
		stop: () => server.stop(),
	};
}
