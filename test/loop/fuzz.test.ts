import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../support/server.ts';

// The loop's endpoints under 1,000 malformed requests, half of them with a facilitator session:
// no 500, no crash, nothing in the error log, and the records written before are all still there.
const token = 'loop-fuzz-token-0b7c';
const month = '2026-12';

describe('the loop endpoints under malformed input', () => {
	it('answer 1,000 bad requests without a 500 and lose nothing', async () => {
		const server = await startServer({ HANDBOOK_DATA_DIR: mkdtempSync(join(tmpdir(), 'handbook-loop-fuzz-')), HANDBOOK_FACILITATOR_TOKEN: token });
		try {
			const headers = { origin: server.url, 'content-type': 'application/json' };
			const session = (await fetch(`${server.url}/api/session`, { method: 'POST', headers, body: JSON.stringify({ token }) })).headers.get('set-cookie')!.split(';')[0]!;
			const post = async (path: string, body: unknown) => (await fetch(server.url + path, { method: 'POST', headers: { ...headers, cookie: session }, body: JSON.stringify(body) })).json() as Promise<any>;
			const { code } = await post(`/api/workshops/${month}/open`, {});
			const help = await post('/api/help', { workshop: month, code, github: 'keep', workspace: 'w', region: 'r', description: 'kept' });
			const incident = (await post('/api/incidents', { workshop: month, severity: 'P2', title: 'kept' })).incident;
			let seed = 20261213;
			const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
			const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
			const ids = [help.id, incident.id, 'nope', '..%2F..%2Fetc', '%00', 'a'.repeat(3000), '%F0%9F%92%A5', "1' OR '1'='1", '2026-13', month, '0000-00'];
			const bodies: Array<string | undefined> = [
				undefined, '', '{', 'null', '[]', '"x"', '42', '{"a":'.repeat(2000), 'x'.repeat(100_000),
				JSON.stringify({ workshop: month, code, github: 'g', workspace: 'w', region: 'r', description: '\u0000\uD800' }),
				JSON.stringify({ workshop: month, code: 'x'.repeat(40), satisfaction: 5, completed: true }),
				JSON.stringify({ workshop: month, code, satisfaction: '5', completed: 1, subScores: [] }),
				JSON.stringify({ workshop: month, code, satisfaction: 1e308, completed: true, subScores: { stability: -0 } }),
				JSON.stringify({ workshop: { $gt: '' }, severity: 'P0', title: 't', commander: 'c' }),
				JSON.stringify({ workshop: month, severity: 'P0', title: 't', commander: 'c', run: '../x' }),
				JSON.stringify({ status: 'resolved', note: 'n'.repeat(2001) }),
				JSON.stringify({ action: 'claim' }), JSON.stringify({ action: 'resolve', followUp: 'yes' }), JSON.stringify({ minutes: -5 }), JSON.stringify({ minutes: 1.5 }),
			];
			const paths = () =>
				pick([
					`/api/workshops/${pick(ids)}/open`, `/api/workshops/${pick(ids)}/close`, `/api/workshops/${pick(ids)}`, `/api/workshops/${pick(ids)}/summary`,
					'/api/help', `/api/help?workshop=${pick(ids)}`, `/api/help/${pick(ids)}`, '/api/feedback', '/api/incidents', `/api/incidents?workshop=${pick(ids)}`,
					`/api/incidents/${pick(ids)}`, `/api/incidents/${pick(ids)}/updates`, `/api/incidents/${pick(ids)}/resolve`,
				]);
			const statuses = new Map<number, number>();
			for (let batch = 0; batch < 50; batch++) {
				await Promise.all(
					Array.from({ length: 20 }, async () => {
						const method = pick(['GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH']);
						const res = await fetch(server.url + paths(), {
							method,
							headers: {
								origin: server.url,
								'content-type': pick(['application/json', 'application/json', 'text/plain', 'application/json; charset=utf-8']),
								...(rand() < 0.5 ? { cookie: session } : rand() < 0.5 ? { cookie: `handbook_participant=${pick(['x', 'y'.repeat(5000), ''])}` } : {}),
								...(rand() < 0.3 ? { 'x-help-secret': pick(['', 'z'.repeat(9000), help.secret]) } : {}),
							},
							body: method === 'GET' ? undefined : pick(bodies),
						}).catch((err) => ({ status: -1, text: async () => String(err) }));
						await res.text();
						statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
					}),
				);
			}
			expect([...statuses.values()].reduce((a, b) => a + b)).toBe(1000);
			// The inputs reach past the session and the parser: validation, code and not-found answers all occur.
			for (const s of [200, 400, 401, 403, 404, 413, 415]) expect(statuses.get(s) ?? 0, `status ${s} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
			expect(statuses.get(500) ?? 0, server.output().split('\n').filter((l) => l.includes('error in')).slice(0, 5).join('\n')).toBe(0);
			expect(statuses.get(-1) ?? 0).toBe(0);
			expect(server.output(), 'unexpected errors in the server log').not.toMatch(/error in (GET|POST|PUT|DELETE|PATCH)/);
			const summary = (await (await fetch(`${server.url}/api/workshops/${month}/summary`, { headers: { cookie: session } })).json()) as any;
			expect(summary.help.requests).toBeGreaterThanOrEqual(1);
			const kept = (await (await fetch(`${server.url}/api/help/${help.id}`, { headers: { cookie: session } })).json()) as any;
			expect(kept.help).toMatchObject({ github: 'keep', description: 'kept' });
		} finally {
			await server.stop();
		}
	}, 120_000);
});
