import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';

const DNSMASQ = '/usr/sbin/dnsmasq';

export interface Dnsmasq {
	/** `127.0.0.1:PORT`, for an environment's `dns.servers`. */
	server: string;
	port: number;
	/** Everything dnsmasq logged (stderr). */
	output(): string;
	stop(): Promise<void>;
}

/** A free UDP port on loopback (dnsmasq binds the same number on TCP; a clash is retried). */
async function freeUdpPort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const socket = createSocket('udp4');
		socket.on('error', reject);
		socket.bind(0, '127.0.0.1', () => {
			const { port } = socket.address();
			socket.close(() => resolve(port));
		});
	});
}

/**
 * Starts Debian's dnsmasq on 127.0.0.1 as the authoritative resolver for `example.test`: every
 * `records` entry becomes `address=/NAME/IP`, which answers NAME and every name under it (a
 * wildcard), other names under example.test get NXDOMAIN, and nothing is forwarded anywhere.
 * `options.cnames` adds `cname=ALIAS,TARGET` records (the target must be one of `records`).
 *
 * @example
 * const dns = await startDnsmasq({ 'coder.example.test': '127.0.0.1' });
 * const ctx = probeContext({ environment: { dns: { servers: [dns.server] } } });
 */
export async function startDnsmasq(records: Record<string, string | string[]>, options: { cnames?: Record<string, string> } = {}): Promise<Dnsmasq> {
	if (!existsSync(DNSMASQ)) {
		throw new Error(`${DNSMASQ} is missing: install the Debian package dnsmasq-base (apt-get install -y --no-install-recommends dnsmasq-base)`);
	}
	let lastError = '';
	for (let attempt = 0; attempt < 5; attempt++) {
		const port = await freeUdpPort();
		const args = [
			'--keep-in-foreground',
			'--conf-file=/dev/null',
			'--no-resolv',
			'--no-hosts',
			'--no-poll',
			'--pid-file',
			'--log-facility=-',
			'--bind-interfaces',
			'--listen-address=127.0.0.1',
			`--port=${port}`,
			'--local=/example.test/',
			...Object.entries(records).flatMap(([name, addresses]) => [addresses].flat().map((ip) => `--address=/${name}/${ip}`)),
			// dnsmasq only follows a CNAME to a host-record, not to an address= record.
			...Object.values(options.cnames ?? {}).flatMap((target) => [records[target] ?? []].flat().map((ip) => `--host-record=${target},${ip}`)),
			...Object.entries(options.cnames ?? {}).map(([alias, target]) => `--cname=${alias},${target}`),
		];
		const child = spawn(DNSMASQ, args, { stdio: ['ignore', 'ignore', 'pipe'] });
		let log = '';
		child.stderr!.on('data', (d) => (log += d));
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		const stop = async () => {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGTERM');
				await exited;
			}
		};
		// Ready when it answers a query (NXDOMAIN counts as an answer).
		const resolver = new Resolver({ timeout: 200, tries: 1 });
		resolver.setServers([`127.0.0.1:${port}`]);
		const deadline = Date.now() + 5_000;
		while (Date.now() < deadline && child.exitCode === null) {
			try {
				await resolver.resolve4('ready-probe.example.test');
				break;
			} catch (err) {
				if ((err as { code?: string }).code === 'ENOTFOUND') break;
			}
			await new Promise((r) => setTimeout(r, 50));
		}
		if (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
			return { server: `127.0.0.1:${port}`, port, output: () => log, stop };
		}
		await stop();
		lastError = log.trim() || `exited with ${child.exitCode}`;
		if (!/address already in use/i.test(log)) break;
	}
	throw new Error(`dnsmasq did not start: ${lastError}`);
}
