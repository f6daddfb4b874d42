import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../support/server.ts';

const linkPattern = /Facilitator sign-in \(one-time link\): (http:\/\/\S+\/api\/session\?token=\S+)/g;

describe('npm start without HANDBOOK_FACILITATOR_TOKEN', () => {
	it('prints a one-time sign-in link that signs in once, then prints a fresh one', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'handbook-signin-'));
		const server = await startServer({ HANDBOOK_DATA_DIR: dataDir, HANDBOOK_FACILITATOR_TOKEN: '' });
		try {
			const [first] = [...server.output().matchAll(linkPattern)].map((m) => m[1]!);
			expect(first).toBeDefined();
			const path = new URL(first!).pathname + new URL(first!).search;
			const signIn = await fetch(server.url + path, { redirect: 'manual' });
			expect(signIn.status).toBe(303);
			const cookie = signIn.headers.get('set-cookie')!;
			expect(cookie).toMatch(/HttpOnly/i);
			const who = await fetch(`${server.url}/api/session`, { headers: { cookie: cookie.split(';')[0]! } });
			expect(await who.json()).toMatchObject({ facilitator: true });
			// Used once: refused the second time, and the server has printed another link.
			expect((await fetch(server.url + path, { redirect: 'manual' })).status).toBe(401);
			const links = [...server.output().matchAll(linkPattern)].map((m) => m[1]!);
			expect(links).toHaveLength(2);
			expect(links[1]).not.toBe(first);
		} finally {
			await server.stop();
		}
	});

	it('refuses to start with a bad config, naming the problem', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'handbook-badstart-'));
		writeFileSync(join(dir, 'bad.config.ts'), 'export default { defaultEnvironment: "x", environments: {}, checks: [] };\n');
		await expect(startServer({ HANDBOOK_DATA_DIR: dir, HANDBOOK_CONFIG: join(dir, 'bad.config.ts') })).rejects.toThrow(/exited with 2:\n.*bad\.config\.ts is invalid:\n {2}- defaultEnvironment: "x" is not one of the environments/s);
	});
});
