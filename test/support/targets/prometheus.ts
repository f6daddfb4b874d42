import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHttpServer, type TestServer } from './https-server.ts';

/** Debian packages providing the binaries (added to CI by the lead). */
export const PROMETHEUS_PACKAGES = ['prometheus', 'prometheus-alertmanager'];

/** Node filesystem series as node_exporter names them, with a `node` label per fake node. */
export function filesystemExposition(nodes: Record<string, number>, sizeBytes = 100 * 2 ** 30): string {
	const lines = ['# TYPE node_filesystem_avail_bytes gauge', '# TYPE node_filesystem_size_bytes gauge'];
	for (const [node, usedPercent] of Object.entries(nodes)) {
		const labels = `device="/dev/nvme0n1p1",fstype="xfs",mountpoint="/",node="${node}"`;
		lines.push(`node_filesystem_avail_bytes{${labels}} ${Math.round(sizeBytes * (1 - usedPercent / 100))}`);
		lines.push(`node_filesystem_size_bytes{${labels}} ${sizeBytes}`);
	}
	return `${lines.join('\n')}\n`;
}

/** The alerting rules the stack loads: Watchdog, storage at 70/85/95 %, workspace failures, key expiry. */
export const WORKSHOP_RULES = `groups:
  - name: meta
    rules:
      - alert: Watchdog
        expr: vector(1)
        labels: {severity: none}
        annotations: {summary: "Always firing; proves the alerting pipeline works end to end."}
  - name: node-ephemeral-storage
    rules:
${[
	[70, 'warning'],
	[85, 'critical'],
	[95, 'emergency'],
]
	.map(
		([limit, severity]) => `      - alert: NodeEphemeralStorageUsage
        expr: (1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs",mountpoint="/"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs",mountpoint="/"}) * 100 > ${limit}
        labels: {severity: ${severity}}`,
	)
	.join('\n')}
  - name: workshop
    rules:
      - alert: CoderdWorkspaceBuildFailures
        expr: sum(increase(coderd_workspace_builds_total{status="failed"}[30m])) / clamp_min(sum(increase(coderd_workspace_builds_total[30m])), 1) > 0.02
        labels: {severity: warning}
      - alert: LiteLLMKeyExpiringSoon
        expr: (min(litellm_key_expires_timestamp_seconds) - time()) / 86400 < 7
        labels: {severity: critical}
`;

export interface PrometheusStack {
	prometheusUrl: string;
	alertmanagerUrl: string;
	/** The exporter Prometheus scrapes (job "node"): `set()` changes what it serves. */
	exporter: { url: string; set(text: string): void };
	/** Alertmanager webhook notifications received by the receiver "workshop-oncall". */
	notifications: unknown[];
	/** The "job/instance" of a target that never answers (job "down"), when `downTarget` was asked for. */
	downTarget: string | null;
	stop(): Promise<void>;
}

function which(binary: string): string | null {
	for (const dir of (process.env.PATH ?? '/usr/bin').split(delimiter)) {
		try {
			accessSync(join(dir, binary), constants.X_OK);
			return join(dir, binary);
		} catch {
			// not in this directory
		}
	}
	return null;
}

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

function spawnLogged(bin: string, args: string[], log: string): ChildProcess {
	const fd = openSync(log, 'a');
	// Own process group, so stop() kills it and anything it started.
	const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd] });
	child.on('error', () => {});
	return child;
}

function killGroup(child: ChildProcess): void {
	if (child.pid === undefined || child.exitCode !== null) return;
	try {
		process.kill(-child.pid, 'SIGKILL');
	} catch {
		// already gone
	}
}

async function waitFor(what: string, child: ChildProcess[], log: () => string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const dead = child.find((c) => c.exitCode !== null || c.signalCode !== null);
		if (dead) throw new Error(`${what}: a server exited (${dead.exitCode ?? dead.signalCode}):\n${log()}`);
		try {
			if (await probe()) return;
		} catch {
			// not up yet
		}
		await sleep(200);
	}
	throw new Error(`${what}: not done after ${timeoutMs} ms:\n${log()}`);
}

/**
 * Starts the REAL Debian Prometheus and Alertmanager on free loopback ports in a temp dir, with
 * 1 s scrape and evaluation intervals and a 2 s resend delay. Prometheus loads the workshop's
 * alerting rules (WORKSHOP_RULES), scrapes itself and a loopback exporter the test controls, and
 * sends to Alertmanager, whose receiver posts to the exporter (see `notifications`). Resolves once
 * both are ready and the Watchdog is active in Alertmanager. Throws, naming the apt packages,
 * when the binaries are missing.
 *
 * @example
 * const stack = await startPrometheusStack({ exposition: filesystemExposition({ 'ip-10-0-0-1': 64 }) });
 * // … stack.prometheusUrl, stack.alertmanagerUrl …
 * await stack.stop();
 */
export async function startPrometheusStack(options: { exposition?: string; downTarget?: boolean; rules?: string } = {}): Promise<PrometheusStack> {
	const prometheusBin = which('prometheus');
	const alertmanagerBin = which('prometheus-alertmanager');
	if (!prometheusBin || !alertmanagerBin) {
		throw new Error(`${!prometheusBin ? 'prometheus' : 'prometheus-alertmanager'} is not installed: run \`apt-get install -y --no-install-recommends ${PROMETHEUS_PACKAGES.join(' ')}\``);
	}
	const dir = mkdtempSync(join(tmpdir(), 'handbook-prometheus-'));
	let exposition = options.exposition ?? filesystemExposition({});
	const notifications: unknown[] = [];
	const exporter: TestServer = await startHttpServer(async (req, res) => {
		if (req.method === 'POST' && req.url === '/alerts') {
			const chunks: Buffer[] = [];
			for await (const c of req) chunks.push(c as Buffer);
			try {
				notifications.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
			} catch {
				notifications.push(null);
			}
			res.writeHead(200).end();
			return;
		}
		res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
		res.end(exposition);
	});
	const [promPort, amPort, downPort] = [await freePort(), await freePort(), await freePort()];
	const promAddr = `127.0.0.1:${promPort}`;
	const amAddr = `127.0.0.1:${amPort}`;
	const exporterAddr = new URL(exporter.url).host;
	const downAddr = `127.0.0.1:${downPort}`;

	writeFileSync(join(dir, 'rules.yml'), options.rules ?? WORKSHOP_RULES);
	writeFileSync(
		join(dir, 'prometheus.yml'),
		`global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['${amAddr}']
rule_files: ['${join(dir, 'rules.yml')}']
scrape_configs:
  - job_name: prometheus
    static_configs: [{targets: ['${promAddr}']}]
  - job_name: node
    static_configs: [{targets: ['${exporterAddr}']}]
${options.downTarget ? `  - job_name: down\n    static_configs: [{targets: ['${downAddr}']}]\n` : ''}`,
	);
	writeFileSync(
		join(dir, 'alertmanager.yml'),
		`route:
  receiver: workshop-oncall
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: workshop-oncall
    webhook_configs:
      - url: '${exporter.url}/alerts'
        send_resolved: false
`,
	);

	const logFile = join(dir, 'servers.log');
	const log = () => {
		try {
			return readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
		} catch {
			return '(no log)';
		}
	};
	const children = [
		spawnLogged(alertmanagerBin, [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am-data')}`, `--web.listen-address=${amAddr}`, '--cluster.listen-address=', '--log.level=warn'], logFile),
		spawnLogged(prometheusBin, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'prom-data')}`, `--web.listen-address=${promAddr}`, '--rules.alert.resend-delay=2s', '--log.level=warn'], logFile),
	];
	// Never leave servers behind if the test process ends without stop().
	const onExit = () => children.forEach(killGroup);
	process.once('exit', onExit);

	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		process.off('exit', onExit);
		for (const c of children) killGroup(c);
		await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
		await exporter.stop();
		rmSync(dir, { recursive: true, force: true });
	};

	const prometheusUrl = `http://${promAddr}`;
	const alertmanagerUrl = `http://${amAddr}`;
	try {
		const ok = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;
		await waitFor('Prometheus and Alertmanager ready', children, log, 30_000, async () => (await ok(`${prometheusUrl}/-/ready`)) && (await ok(`${alertmanagerUrl}/-/ready`)));
		const filter = encodeURIComponent('alertname="Watchdog"');
		if ((options.rules ?? WORKSHOP_RULES).includes('alert: Watchdog')) await waitFor('Watchdog active in Alertmanager', children, log, 30_000, async () => {
			const alerts = (await (await fetch(`${alertmanagerUrl}/api/v2/alerts?filter=${filter}`, { signal: AbortSignal.timeout(1_000) })).json()) as Array<{ status?: { state?: string } }>;
			return alerts.some((a) => a.status?.state === 'active');
		});
	} catch (err) {
		await stop();
		throw err;
	}
	return {
		prometheusUrl,
		alertmanagerUrl,
		exporter: { url: exporter.url, set: (text) => (exposition = text) },
		notifications,
		downTarget: options.downTarget ? `down/${downAddr}` : null,
		stop,
	};
}
