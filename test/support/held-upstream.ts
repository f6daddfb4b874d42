import { startHttpServer, type TestServer } from './targets/https-server.ts';

/**
 * An upstream whose `/slow` answers only when the test releases it (as smoke-workspace takes
 * minutes), counting the requests it holds; every other path answers "OK" at once.
 */
export async function startHeldUpstream(): Promise<{ target: TestServer; held: () => number; release: () => void }> {
	let held = 0;
	let release: () => void = () => {};
	const target = await startHttpServer(async (req, res) => {
		if (req.url === '/slow') {
			held++;
			await new Promise<void>((r) => (release = r));
		}
		res.end('OK');
	});
	return { target, held: () => held, release: () => release() };
}

/** The check `smoke-workspace` against a held upstream's `/slow`: it stays in flight until released. */
export const slowSmokeCheck = (target: TestServer) => ({ id: 'smoke-workspace', title: 'slow', kind: 'http', timeoutMs: 60_000, cacheSeconds: 0, runbook: '/incidents/', params: { url: `${target.url}/slow` }, outcomes: [{ status: 'pass', message: 'ok' }] });
