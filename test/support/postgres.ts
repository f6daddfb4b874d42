import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { freePort } from './server.ts';

/** Debian's Postgres binaries: the newest installed major version. */
function binDir(): string {
	const base = '/usr/lib/postgresql';
	const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))) : [];
	if (!versions.length) throw new Error(`no Postgres server under ${base}: apt-get install postgresql (.ci/run installs it)`);
	return join(base, versions.sort((a, b) => Number(b) - Number(a))[0]!, 'bin');
}

export interface RunningPostgres {
	/** A superuser URL of the `postgres` database. */
	url: string;
	/** Creates a fresh, empty database and returns its URL (one per test keeps tests apart). */
	database: () => Promise<string>;
	output: () => string;
	stop: () => Promise<void>;
}

/**
 * Starts a throwaway Postgres: `initdb` into a temporary directory (as the `postgres` user when
 * running as root, which Postgres refuses to run as), listening on a free loopback port with its
 * unix socket in that directory; `stop` shuts it down and removes the directory.
 */
export async function startPostgres(): Promise<RunningPostgres> {
	const bin = binDir();
	const dir = mkdtempSync(join(tmpdir(), 'handbook-pg-'));
	const data = join(dir, 'data');
	const asRoot = process.getuid?.() === 0;
	const run = (cmd: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
	if (asRoot) {
		const { uid, gid } = userIds('postgres');
		chownSync(dir, uid, gid);
	}
	const pwfile = join(dir, 'pw');
	writeFileSync(pwfile, 'handbook\n', { mode: 0o600 });
	if (asRoot) chownSync(pwfile, userIds('postgres').uid, userIds('postgres').gid);
	execFileSync(...run(join(bin, 'initdb'), ['-D', data, '-U', 'handbook', '--pwfile', pwfile, '--auth', 'scram-sha-256', '--locale', 'C', '--encoding', 'UTF8', '--no-sync']), { stdio: 'pipe' });
	const port = await freePort();
	const [cmd, args] = run(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=on', '-c', 'max_connections=200', '-c', 'shared_buffers=32MB']);
	const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	child.stdout!.on('data', (d) => (log += d));
	child.stderr!.on('data', (d) => (log += d));
	const url = `postgres://handbook:handbook@127.0.0.1:${port}/postgres`;
	const admin = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 2 });
	const stop = async () => {
		await admin.end({ timeout: 1 }).catch(() => {});
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			// To the postmaster itself (runuser does not pass signals on): a fast shutdown ends the
			// sessions, checkpoints and exits.
			const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
			process.kill(pid, 'SIGINT');
			await exited;
		}
		rmSync(dir, { recursive: true, force: true });
	};
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) {
			rmSync(dir, { recursive: true, force: true });
			throw new Error(`postgres exited with ${child.exitCode}:\n${log}`);
		}
		try {
			await admin`SELECT 1`;
			break;
		} catch (err) {
			if (Date.now() > deadline) {
				await stop();
				throw new Error(`postgres did not accept connections on 127.0.0.1:${port} within 30 s (${(err as Error).message}):\n${log}`);
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	let n = 0;
	const database = async () => {
		const name = `handbook_${process.pid}_${++n}`;
		await admin.unsafe(`CREATE DATABASE ${name}`);
		return url.replace(/\/postgres$/, `/${name}`);
	};
	return { url, database, output: () => log, stop };
}

function userIds(user: string): { uid: number; gid: number } {
	const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
	return { uid, gid };
}
