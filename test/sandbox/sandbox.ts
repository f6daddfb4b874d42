import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestPki } from '../support/targets/certs.ts';
import { startDnsmasq, type Dnsmasq } from '../support/targets/dnsmasq.ts';
import { startKubeApi, writeKubeconfig, type KubeApi, type KubeClusterFixture } from '../support/targets/kube-api.ts';
import { filesystemExposition, startPrometheusStack, type PrometheusStack } from '../support/targets/prometheus.ts';
import { startRecorded, type RecordedRequest, type RecordedServer, type RouteResponse } from '../support/targets/recorded.ts';

/**
 * The sandbox: the whole workshop platform stood up on loopback, so the handbook's checklists
 * can run end to end without touching a real system. Coder, LiteLLM, Grafana and the Kubernetes
 * API answer recorded responses (test/fixtures); DNS is dnsmasq, Prometheus and Alertmanager are
 * Debian's, the TLS certificates are real and made for the run. Faults and latencies can be
 * switched on to rehearse failures or measure the runner.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string): any => JSON.parse(readFileSync(join(root, 'test/fixtures', name), 'utf8'));

export const SANDBOX_ENV = 'local';
const ORG = '7c60d51f-b44e-4682-87d6-449835ea4de6';
const DIGEST = 'sha256:' + '3f0e2c1a'.repeat(8);
const OTHER_DIGEST = 'sha256:' + '9c1d2e3b'.repeat(8);
const regions = [
	{ name: 'us-east-2', title: 'Ohio (control plane)', host: 'coder.example.test', proxy: 'primary' },
	{ name: 'us-west-2', title: 'Oregon proxy', host: 'oregon.example.test', proxy: 'oregon-proxy' },
	{ name: 'eu-west-2', title: 'London proxy', host: 'emea.example.test', proxy: 'emea-proxy' },
];

/** Things that can go wrong on purpose. */
export interface Faults {
	/** This region's Coder pods run another image digest. */
	oddDigestRegion?: string;
	/** Used % of the fullest node's ephemeral storage (default 41). */
	storagePercent?: number;
	/** Days until the LiteLLM key expires (default 30). */
	keyDaysLeft?: number;
	/** The key-rotation add-on's replicas (default 0: paused). */
	rotatorReplicas?: number;
	/** This workspace proxy reports unreachable. */
	unreachableProxy?: string;
	/** Provisioner daemons online (default 10). */
	provisioners?: number;
}

export interface SandboxOptions {
	faults?: Faults;
	/** Extra answer delay of the HTTP fakes (Coder, LiteLLM, Grafana) and the Kubernetes API, ms. */
	latencyMs?: number;
	/** Skip Prometheus and Alertmanager (their checks then fail as unreachable). */
	withoutPrometheus?: boolean;
}

export interface Sandbox {
	/** A handbook.config.ts with the shipped checks and the `local` environment. */
	configFile: string;
	/** Environment variables the handbook needs to run against the sandbox (secrets included). */
	env: Record<string, string>;
	platform: RecordedServer;
	kube: KubeApi;
	prometheus: PrometheusStack | null;
	dns: Dnsmasq;
	dir: string;
	/** Switches faults on or off (undefined resets one to healthy). */
	setFaults(faults: Faults): void;
	stop(): Promise<void>;
}

const CODER_TOKEN = 'sandbox-coder-token-6c1e0b';
const LITELLM_KEY = 'sk-sandbox-workshop-key-2d9f';

function node(name: string, zone: string): any {
	const base = fixture('kubernetes/node.json');
	return { ...base, metadata: { ...base.metadata, name, labels: { ...base.metadata.labels, 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone } } };
}

function summary(name: string, usedPercent: number): any {
	const base = fixture('kubernetes/stats-summary.json');
	const capacity = base.node.fs.capacityBytes as number;
	const available = Math.round(capacity * (1 - usedPercent / 100));
	return { ...base, node: { ...base.node, nodeName: name, fs: { ...base.node.fs, availableBytes: available, usedBytes: capacity - available } } };
}

function pod(name: string, namespace: string, labels: Record<string, string>, nodeName: string, imageID: string, requests = { cpu: '500m', memory: '1Gi' }): any {
	return {
		apiVersion: 'v1',
		kind: 'Pod',
		metadata: { name, namespace, labels },
		spec: { nodeName, containers: [{ name: labels['app.kubernetes.io/name'] === 'coder' ? 'coder' : 'controller', image: 'ghcr.io/coder/coder-preview:latest', resources: { requests } }] },
		status: {
			phase: 'Running',
			conditions: [{ type: 'Ready', status: 'True' }],
			containerStatuses: [{ name: labels['app.kubernetes.io/name'] === 'coder' ? 'coder' : 'controller', ready: true, restartCount: 0, image: 'ghcr.io/coder/coder-preview:latest', imageID: `ghcr.io/coder/coder-preview@${imageID}` }],
		},
	};
}

function deployment(name: string, namespace: string, replicas: number): any {
	return {
		apiVersion: 'apps/v1',
		kind: 'Deployment',
		metadata: { name, namespace, labels: { 'app.kubernetes.io/name': name } },
		spec: { replicas, selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
		status: replicas ? { replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas } : {},
	};
}

function cluster(region: (typeof regions)[number], faults: Faults): KubeClusterFixture {
	// Nine 16-vCPU nodes: room for 15 workspaces of 4 vCPU / 8 GiB with more than 30% headroom.
	const nodes = Array.from({ length: 9 }, (_, i) => `ip-10-0-${i}-1.${region.name}.compute.internal`);
	const digest = faults.oddDigestRegion === region.name ? OTHER_DIGEST : DIGEST;
	const nodePools = fixture('kubernetes/nodepools.json').items;
	const claim = fixture('kubernetes/nodeclaim.json');
	return {
		nodes: nodes.map((n, i) => node(n, `${region.name}${'abc'[i % 3]}`)),
		pods: [
			pod(`coder-${region.name}-0`, 'coder', { 'app.kubernetes.io/name': 'coder' }, nodes[0]!, digest, { cpu: '4', memory: '8Gi' }),
			pod(`coder-${region.name}-1`, 'coder', { 'app.kubernetes.io/name': 'coder' }, nodes[1]!, digest, { cpu: '4', memory: '8Gi' }),
			pod(`karpenter-${region.name}-0`, 'karpenter', { 'app.kubernetes.io/name': 'karpenter' }, nodes[2]!, DIGEST),
			pod(`karpenter-${region.name}-1`, 'karpenter', { 'app.kubernetes.io/name': 'karpenter' }, nodes[2]!, DIGEST),
		],
		deployments: [deployment('litellm', 'litellm', 4), deployment('litellm-key-rotator', 'litellm', faults.rotatorReplicas ?? 0), deployment('coder-provisioner', 'coder', faults.provisioners ?? 10)],
		nodepools: nodePools,
		nodeclaims: nodes.map((n, i) => ({ ...claim, metadata: { ...claim.metadata, name: `workspaces-${region.name}-${i}` }, status: { ...claim.status, nodeName: n } })),
		summaries: Object.fromEntries(nodes.map((n, i) => [n, summary(n, i === 0 ? (faults.storagePercent ?? 41) : 30 + i / 2)])),
	};
}

/** Coder's answers for the sandbox; the smoke-test workspaces go through a real lifecycle. */
function coderRoutes(faults: () => Faults, latencyMs: number) {
	const workspaces = new Map<string, { ws: any; polls: number; deleting: number; deleted: boolean }>();
	let next = 0;
	const authed = (fn: (req: RecordedRequest) => RouteResponse) => (req: RecordedRequest): RouteResponse => {
		if (req.headers['coder-session-token'] !== CODER_TOKEN) return { status: 401, json: { message: 'You must be logged in to access this resource.' } };
		return { delayMs: latencyMs, ...fn(req) };
	};
	const base = fixture('coder/workspace.json');
	const build = (status: string, transition = 'start') => ({ ...base.latest_build, status, transition, job: { ...base.latest_build.job, status: status === 'running' ? 'succeeded' : 'running', error: '' } });
	const proxies = () => {
		const list = fixture('coder/workspaceproxies.json');
		for (const r of list.regions) {
			r.healthy = r.name !== faults().unreachableProxy;
			r.status.status = r.healthy ? 'ok' : 'unreachable';
			r.status.report.errors = r.healthy ? [] : [`request to proxy failed: context deadline exceeded`];
		}
		return list;
	};
	const daemons = () => {
		const template = fixture('coder/provisionerdaemons.json')[0];
		const online = faults().provisioners ?? 10;
		return Array.from({ length: online + 2 }, (_, i) => ({ ...template, id: `daemon-${i}`, name: `coder-provisioner-${i}`, status: i >= online ? 'offline' : i % 3 === 0 ? 'busy' : 'idle' }));
	};
	return {
		'GET /healthz': { body: 'OK', headers: { 'content-type': 'text/plain' } },
		'GET /': { body: '<!doctype html><title>Coder</title><p>Coder: application not found.</p>', status: 404, headers: { 'content-type': 'text/html' } },
		'GET /api/v2/buildinfo': { json: fixture('coder/buildinfo.json') },
		'GET /api/v2/users/authmethods': authed(() => ({ json: fixture('coder/authmethods.json') })),
		'GET /api/v2/debug/health': authed(() => ({ json: fixture('coder/health.json') })),
		'GET /api/v2/workspaceproxies': authed(() => ({ json: proxies() })),
		'GET /api/v2/organizations': authed(() => ({ json: fixture('coder/organizations.json') })),
		[`GET /api/v2/organizations/${ORG}/provisionerdaemons`]: authed(() => ({ json: daemons() })),
		[`GET /api/v2/organizations/${ORG}/templates/*`]: authed(() => ({ json: fixture('coder/template.json') })),
		'POST /api/v2/users/me/workspaces': authed((req) => {
			const id = `ws-${++next}`;
			const ws = { ...base, id, name: (req.json as { name: string }).name, latest_build: build('pending') };
			workspaces.set(id, { ws, polls: 0, deleting: -1, deleted: false });
			return { status: 201, json: ws };
		}),
		'GET /api/v2/workspaces/*': authed((req) => {
			const w = workspaces.get(req.path.split('/').pop()!);
			if (!w) return { status: 404, json: { message: 'Resource not found.' } };
			if (w.deleted) return { status: 410, json: { message: `Workspace "${w.ws.id}" was deleted.` } };
			if (w.deleting >= 0) {
				if (++w.deleting > 1) w.deleted = true;
				return { json: { ...w.ws, latest_build: build('deleting', 'delete') } };
			}
			return { json: { ...w.ws, latest_build: build(++w.polls >= 2 ? 'running' : 'starting') } };
		}),
		'GET /api/v2/workspaces': authed(() => ({ json: { workspaces: [...workspaces.values()].filter((w) => !w.deleted).map((w) => w.ws), count: 0 } })),
		'POST /api/v2/workspaces/*/builds': authed((req) => {
			const w = workspaces.get(req.path.split('/')[4]!);
			if (!w) return { status: 404, json: { message: 'Resource not found.' } };
			w.deleting = 0;
			return { status: 201, json: build('pending', 'delete') };
		}),
	};
}

function litellmRoutes(faults: () => Faults, latencyMs: number) {
	return {
		'GET /litellm/health/readiness': { delayMs: latencyMs, json: { status: 'healthy', db: 'connected', cache: null, litellm_version: '1.74.0' } },
		'GET /litellm/key/info': (req: RecordedRequest): RouteResponse => {
			if (req.headers.authorization !== `Bearer ${LITELLM_KEY}`) return { status: 401, json: { error: { message: 'Authentication Error, Invalid proxy server token passed.', type: 'auth_error', param: 'None', code: '401' } } };
			const info = fixture('litellm/key-info.json');
			info.key = LITELLM_KEY;
			info.info.expires = new Date(Date.now() + (faults().keyDaysLeft ?? 30) * 86_400_000).toISOString();
			return { delayMs: latencyMs, json: info };
		},
		'GET /grafana/api/health': { delayMs: latencyMs, json: { commit: 'sandbox', database: 'ok', version: '11.3.0' } },
	};
}

/** Node storage and workspace metrics the sandbox Prometheus scrapes. */
function exposition(faults: Faults): string {
	return [
		filesystemExposition({ 'node-a': faults.storagePercent ?? 41, 'node-b': 31 }),
		'# TYPE coderd_api_workspace_latest_build gauge',
		'coderd_api_workspace_latest_build{status="running"} 12',
		'coderd_api_workspace_latest_build{status="failed"} 0',
		'# TYPE coderd_workspace_builds_total counter',
		'coderd_workspace_builds_total{status="success"} 40',
		'coderd_workspace_builds_total{status="failed"} 0',
		'',
	].join('\n');
}

/**
 * Starts the sandbox and writes its config. Needs Debian's dnsmasq-base (and prometheus,
 * prometheus-alertmanager unless `withoutPrometheus`); each missing one is named in the error.
 *
 * @example
 * const sandbox = await startSandbox();
 * // HANDBOOK_CONFIG=sandbox.configFile, env: sandbox.env → npx handbook checks run pre-workshop --env local
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const dir = mkdtempSync(join(tmpdir(), 'handbook-sandbox-'));
	let faults: Faults = { ...options.faults };
	const latency = options.latencyMs ?? 0;
	const names = regions.flatMap((r) => [r.host, `*.${r.host}`]);
	const pki = createTestPki();
	const stops: Array<() => Promise<void>> = [];
	try {
		const platform = await startRecorded({ ...coderRoutes(() => faults, latency), ...litellmRoutes(() => faults, latency) }, { cert: pki.issue(names, 90) });
		stops.push(() => platform.stop());
		const dns = await startDnsmasq(Object.fromEntries(regions.map((r) => [r.host, '127.0.0.1'])));
		stops.push(() => dns.stop());
		const clusters = () => Object.fromEntries(regions.map((r) => [r.name, { ...cluster(r, faults), delayMs: latency }]));
		const kube = await startKubeApi(clusters(), { pki });
		stops.push(() => kube.stop());
		const kubeconfig = writeKubeconfig({ contexts: kube.contexts, ca: kube.ca, token: kube.token, dir });
		const prometheus = options.withoutPrometheus ? null : await startPrometheusStack({ exposition: exposition(faults) });
		if (prometheus) stops.push(() => prometheus.stop());

		// A stand-in `crane` for the ECR mirror check: both references have the same digest.
		mkdirSync(join(dir, 'bin'));
		writeFileSync(join(dir, 'bin/crane'), `#!/bin/sh\necho "${DIGEST}"\n`);
		chmodSync(join(dir, 'bin/crane'), 0o755);
		writeFileSync(join(dir, 'ca.pem'), pki.ca.cert);

		const port = platform.port;
		const origin = `https://coder.example.test:${port}`;
		const local = {
			title: 'Sandbox (loopback stand-ins of the platform)',
			regions: regions.map((r) => ({ name: r.name, title: r.title, host: r.host, wildcard: `*.${r.host}`, kubeContext: r.name, proxy: r.proxy, port, loadBalancer: '127.0.0.1' })),
			coder: { url: origin, tokenSecret: 'coderToken' },
			litellm: { url: `${origin}/litellm`, keySecret: 'litellmKey' },
			prometheus: { url: prometheus?.prometheusUrl ?? 'http://127.0.0.1:9' },
			alertmanager: { url: prometheus?.alertmanagerUrl ?? 'http://127.0.0.1:9' },
			grafana: { url: `${origin}/grafana` },
			kubeconfig,
			dns: { servers: [dns.server] },
			tls: { caFile: join(dir, 'ca.pem') },
			secrets: { coderToken: 'SANDBOX_CODER_TOKEN', litellmKey: 'SANDBOX_LITELLM_KEY' },
			workshop: { expectedAttendance: 15, template: { cpu: 4, memoryGiB: 8 } },
			overrides: {
				// The stand-in Coder builds in seconds: poll it often.
				'smoke-workspace': { params: { pollMs: 200 } },
				'ecr-mirror-current': {
					params: {
						argv: [process.execPath, join(root, 'scripts/checks/compare-digests.ts'), 'ghcr.io/coder/coder-preview:latest', 'env:ECR_MIRROR_IMAGE'],
						env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, ECR_MIRROR_IMAGE: 'mirror.example.test/coder-preview:latest' },
					},
				},
			},
		};
		const configFile = join(dir, 'handbook.config.ts');
		writeFileSync(
			configFile,
			[
				'// Written by the sandbox: the shipped checks, run against loopback stand-ins of the platform.',
				`import base from ${JSON.stringify(join(root, 'handbook.config.ts'))};`,
				`const local = ${JSON.stringify(local, null, '\t')};`,
				`export default { ...base, defaultEnvironment: ${JSON.stringify(SANDBOX_ENV)}, environments: { ...base.environments, ${JSON.stringify(SANDBOX_ENV)}: local } };`,
				'',
			].join('\n'),
		);
		return {
			configFile,
			env: { HANDBOOK_CONFIG: configFile, SANDBOX_CODER_TOKEN: CODER_TOKEN, SANDBOX_LITELLM_KEY: LITELLM_KEY },
			platform,
			kube,
			prometheus,
			dns,
			dir,
			setFaults(next) {
				faults = { ...next };
				for (const [name, fixture] of Object.entries(clusters())) kube.set(name, fixture);
				prometheus?.exporter.set(exposition(faults));
			},
			async stop() {
				for (const stop of stops.reverse()) await stop().catch(() => {});
				rmSync(dir, { recursive: true, force: true });
				rmSync(pki.dir, { recursive: true, force: true });
			},
		};
	} catch (err) {
		for (const stop of stops.reverse()) await stop().catch(() => {});
		throw err;
	}
}
