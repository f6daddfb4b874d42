import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecklistRegistry } from '../../src/checklists/registry.ts';
import { apiClient } from '../support/api-client.ts';
import { facilitatorToken, startHandbook } from '../support/handbook.ts';
import { canMountTmpfs } from '../support/tmpfs.ts';
import { startHeldUpstream } from '../support/held-upstream.ts';
import type { TestServer } from '../support/targets/https-server.ts';

// A real 1 MiB tmpfs as the data directory, as in test/faults: needs `mount`, i.e. root.
const canMount = canMountTmpfs;

describe.skipIf(!canMount)('a disk that fills during a probe', () => {
	let target: TestServer;
	let upstream: Awaited<ReturnType<typeof startHeldUpstream>>;
	beforeAll(async () => {
		upstream = await startHeldUpstream();
		target = upstream.target;
	});
	afterAll(async () => {
		upstream?.release();
		await target?.stop();
	});

	it('leaves no result running: once writes work again the row is settled as an error saying why', async () => {
		const mnt = mkdtempSync(join(tmpdir(), 'handbook-full-probe-'));
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
		const { server } = await startHandbook({ dataDir: mnt, checks: [{ id: 'grafana-ready', title: 'slow', kind: 'http', timeoutMs: 60_000, cacheSeconds: 0, runbook: '/incidents/', params: { url: `${target.url}/slow` }, outcomes: [{ status: 'pass', message: 'ok' }] }] });
		try {
			const api = apiClient(server.url);
			await api.signIn(facilitatorToken);
			const runId = (await api.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
			const check = api.call(`/api/runs/${runId}/checks/grafana-ready`, { method: 'POST' });
			for (let i = 0; i < 200 && upstream.held() === 0; i++) await new Promise((r) => setTimeout(r, 25));
			expect(upstream.held(), 'the probe is under way').toBe(1);

			// The disk fills while the probe runs: ballast beside the database, then writes until one is refused.
			try {
				execFileSync('dd', ['if=/dev/zero', `of=${join(mnt, 'ballast')}`, 'bs=64k', 'count=64'], { stdio: 'ignore' });
			} catch {
				// dd stops when the disk is full: that is the point.
			}
			const item = new ChecklistRegistry().get('pre-workshop')!.items.find((i) => !i.checkId && i.fields.length === 0)!;
			let refused = 0;
			for (let i = 0; i < 200 && refused === 0; i++) if ((await api.call(`/api/runs/${runId}/items/${item.id}`, { json: { checked: i % 2 === 0 } })).status === 507) refused++;
			expect(refused, 'the disk is full').toBe(1);

			upstream.release();
			const answer = await check;
			expect(answer.status).toBe(507);
			expect((await api.call(`/api/runs/${runId}`)).body.results).toEqual([expect.objectContaining({ checkId: 'grafana-ready', state: 'running' })]);

			// Space again: the row is settled without a restart.
			rmSync(join(mnt, 'ballast'));
			let result: any;
			for (let i = 0; i < 100; i++) {
				result = (await api.call(`/api/runs/${runId}`)).body.results[0];
				if (result.state !== 'running') break;
				await new Promise((r) => setTimeout(r, 100));
			}
			expect(result).toMatchObject({ state: 'done', status: 'error', message: expect.stringMatching(/finished but its result could not be stored: the disk was full; run it again/) });
			expect(result.finishedAt).toEqual(expect.any(String));
			// And the run takes writes again.
			expect((await api.call(`/api/runs/${runId}/items/${item.id}`, { json: { checked: true } })).status).toBe(200);
			expect(server.process.exitCode).toBeNull();
		} finally {
			await server.stop();
			execFileSync('umount', ['-l', mnt]);
		}
	});
});
