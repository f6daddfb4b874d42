import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { freePort, startServer, type RunningServer } from './server.ts';

export const clientSecret = 'handbook-client-secret-for-tests-3f9a';

/** The provider's test users: login name → claims. */
export const accounts: Record<string, { name: string; email: string; groups: string[] }> = {
	ana: { name: 'Ana Ruiz', email: 'ana@example.test', groups: ['handbook-approvers', 'staff'] },
	fay: { name: 'Fay Cole', email: 'fay@example.test', groups: ['handbook-facilitators'] },
	vic: { name: 'Vic Viewer', email: 'vic@example.test', groups: ['staff'] },
};

/** A real OpenID provider (`oidc-provider`, with its development login and consent pages) with the handbook as its client. */
function provider(url: string, handbookUrl: string): Provider {
	return new Provider(url, {
		clients: [{ client_id: 'handbook', client_secret: clientSecret, redirect_uris: [`${handbookUrl}/api/oidc/callback`], post_logout_redirect_uris: [`${handbookUrl}/`], token_endpoint_auth_method: 'client_secret_post' }],
		async findAccount(_ctx: unknown, id: string) {
			const account = accounts[id];
			return account ? { accountId: id, claims: () => ({ sub: id, ...account }) } : undefined;
		},
		claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups'] },
		scopes: ['openid', 'profile', 'email', 'groups'],
		conformIdTokenClaims: false,
	});
}

export interface IdentityStack {
	handbook: RunningServer;
	/** The provider the handbook trusts. */
	issuer: string;
	/** Another provider with the same client and users, which the handbook does not trust. */
	otherIssuer: string;
	stop: () => Promise<void>;
}

/**
 * Two providers and the built handbook on loopback, the handbook configured (identity in
 * handbook.config.ts) to sign people in through the first: handbook-facilitators → facilitator,
 * handbook-approvers → approver, handbook-on-call → on-call.
 */
export async function startIdentityStack(env: Record<string, string> = {}): Promise<IdentityStack> {
	const handbookPort = await freePort();
	const handbookUrl = `http://127.0.0.1:${handbookPort}`;
	// Each provider's server listens first (port 0: no race with other tests for a port), then learns its issuer URL.
	const servers: Server[] = [];
	const listen = async (): Promise<string> => {
		const server = createServer();
		servers.push(server);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		server.on('request', provider(url, handbookUrl).callback());
		return url;
	};
	const issuer = await listen();
	const otherIssuer = await listen();
	const dataDir = mkdtempSync(join(tmpdir(), 'handbook-oidc-'));
	const config = {
		defaultEnvironment: 'local',
		environments: { local: { title: 'Local', regions: [{ name: 'loopback', title: 'Loopback', host: '127.0.0.1', wildcard: '*.example.test', kubeContext: 'loopback', proxy: 'primary' }] } },
		checks: [],
		identity: {
			issuer,
			clientId: 'handbook',
			clientSecretEnv: 'HANDBOOK_OIDC_CLIENT_SECRET',
			groupsClaim: 'groups',
			roles: { 'handbook-facilitators': ['facilitator'], 'handbook-approvers': ['approver'], 'handbook-on-call': ['on-call'] },
		},
	};
	writeFileSync(join(dataDir, 'handbook.config.ts'), `export default ${JSON.stringify(config, null, 2)};\n`);
	const handbook = await startServer({ HANDBOOK_CONFIG: join(dataDir, 'handbook.config.ts'), HANDBOOK_DATA_DIR: dataDir, HANDBOOK_OIDC_CLIENT_SECRET: clientSecret, HANDBOOK_SITE_URL: handbookUrl, ...env }, handbookPort);
	return {
		handbook,
		issuer,
		otherIssuer,
		async stop() {
			await handbook.stop();
			for (const s of servers) s.close();
		},
	};
}
