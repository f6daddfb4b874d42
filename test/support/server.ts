import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { startArgs } from '../../scripts/start-args.ts';
import { root } from './site.ts';

/** A free loopback port, picked by the OS. */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => resolve(port));
		});
	});
}

export interface RunningServer {
	url: string;
	process: ChildProcess;
	output: () => string;
	stop: () => Promise<void>;
}

/**
 * Starts the built handbook as `npm start` does (scripts/serve.ts with the start script's Node
 * options: config check, the adapter's server, the WebSocket echo) on loopback, and waits until
 * it answers.
 */
export async function startServer(env: Record<string, string> = {}, port?: number): Promise<RunningServer> {
	port ??= await freePort();
	const url = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, startArgs(), {
		cwd: root,
		env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let log = '';
	child.stdout!.on('data', (d) => (log += d));
	child.stderr!.on('data', (d) => (log += d));
	const stop = () =>
		new Promise<void>((resolve) => {
			if (child.exitCode !== null) return resolve();
			child.once('exit', () => resolve());
			child.kill('SIGTERM');
		});
	const deadline = Date.now() + 20_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${log}`);
		try {
			const res = await fetch(url + '/');
			if (res.ok) return { url, process: child, output: () => log, stop };
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	await stop();
	throw new Error(`the server did not answer on ${url} within 20 s:\n${log}`);
}
