import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki, type TestPki } from './certs.ts';
import { startHttpsServer, type TestServer } from './https-server.ts';

/** The name the fake API's certificate is issued for; kubeconfigs send it as `tls-server-name`. */
export const KUBE_SERVER_NAME = 'kube.example.test';

/** Recorded objects of one cluster (one kube context), as the Kubernetes API returns them. */
export interface KubeClusterFixture {
	nodes?: unknown[];
	pods?: unknown[];
	deployments?: unknown[];
	nodepools?: unknown[];
	nodeclaims?: unknown[];
	/** Kubelet stats/summary per node name; a number answers that HTTP status instead. */
	summaries?: Record<string, unknown>;
	/** Answer every request of this cluster with this error `Status` (e.g. 403 Forbidden). */
	fail?: { code: number; reason: string; message: string };
	/** Wait this long before answering (a slow API server). */
	delayMs?: number;
}

export interface KubeRequest {
	context: string;
	method: string;
	/** The path after the context prefix, as sent (not decoded). */
	path: string;
	query: URLSearchParams;
	authorization: string | undefined;
}

export interface KubeApi extends TestServer {
	/** Context name → server URL of that cluster. */
	contexts: Record<string, string>;
	/** The CA that signed the server certificate (PEM). */
	ca: string;
	token: string;
	requests: KubeRequest[];
	/** Replaces a cluster's fixture. */
	set(context: string, fixture: KubeClusterFixture): void;
}

interface Meta {
	metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
}

/** Kubernetes label selector subset: `k=v`, `k==v`, `k!=v`, `k`, `!k`, comma-separated (AND). */
export function matchesLabels(labels: Record<string, string> = {}, selector: string | null): boolean {
	if (!selector) return true;
	return selector.split(',').every((term) => {
		const t = term.trim();
		let m: RegExpExecArray | null;
		if ((m = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(t))) return labels[m[1]!] !== m[2];
		if ((m = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(t))) return labels[m[1]!] === m[2];
		if (t.startsWith('!')) return !(t.slice(1) in labels);
		return t in labels;
	});
}

/** Field selector subset: `a.b=v`, `a.b!=v`, comma-separated. */
function matchesFields(obj: unknown, selector: string | null): boolean {
	if (!selector) return true;
	return selector.split(',').every((term) => {
		const m = /^([^!=]+)(!=|==?)(.*)$/.exec(term.trim());
		if (!m) return true;
		const value = m[1]!.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
		return m[2] === '!=' ? value !== m[3] : value === m[3];
	});
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
	res.writeHead(code, { 'content-type': 'application/json' });
	res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

function list(res: ServerResponse, kind: string, apiVersion: string, items: unknown[]): void {
	res.writeHead(200, { 'content-type': 'application/json' });
	res.end(JSON.stringify({ kind, apiVersion, metadata: { resourceVersion: '1' }, items }));
}

/**
 * A fake Kubernetes API over HTTPS on 127.0.0.1 (certificate from the test PKI), serving recorded
 * JSON per kube context under `/clusters/<context>`: nodes, pods, deployments, Karpenter NodePools
 * and NodeClaims, and kubelet stats/summary through the node proxy. Requests need
 * `Authorization: Bearer <token>` (else 401 Status). Pair it with `writeKubeconfig` so the real
 * @kubernetes/client-node client talks to it.
 *
 * @example
 * const api = await startKubeApi({ 'us-east-2': { nodes: [node('n1')] } });
 * const file = writeKubeconfig({ contexts: api.contexts, ca: api.ca, token: api.token });
 */
export async function startKubeApi(clusters: Record<string, KubeClusterFixture>, options: { pki?: TestPki; token?: string } = {}): Promise<KubeApi> {
	const pki = options.pki ?? createTestPki();
	const token = options.token ?? 'kube-test-token-9f2c';
	const fixtures = new Map(Object.entries(clusters));
	const requests: KubeRequest[] = [];
	const timers = new Set<NodeJS.Timeout>();

	const handler = async (req: IncomingMessage, res: ServerResponse) => {
		const raw = req.url ?? '/';
		const m = /^\/clusters\/([^/]+)(\/[^?]*)?(?:\?(.*))?$/.exec(raw);
		if (!m) return status(res, 404, 'NotFound', `no cluster prefix in ${raw}`);
		const context = decodeURIComponent(m[1]!);
		const path = m[2] ?? '/';
		const query = new URLSearchParams(m[3] ?? '');
		requests.push({ context, method: req.method ?? 'GET', path, query, authorization: req.headers.authorization });
		const f = fixtures.get(context);
		if (!f) return status(res, 404, 'NotFound', `no cluster for context ${context}`);
		if (f.delayMs) {
			await new Promise<void>((resolve) => {
				const t = setTimeout(resolve, f.delayMs);
				timers.add(t);
				res.once('close', () => {
					clearTimeout(t);
					resolve();
				});
			});
			if (res.destroyed) return;
		}
		if (req.headers.authorization !== `Bearer ${token}`) return status(res, 401, 'Unauthorized', 'Unauthorized');
		if (f.fail) return status(res, f.fail.code, f.fail.reason, f.fail.message);

		const labelSelector = query.get('labelSelector');
		const fieldSelector = query.get('fieldSelector');
		const select = (items: unknown[] = [], namespace?: string) =>
			items.filter((o) => (!namespace || (o as Meta).metadata?.namespace === namespace) && matchesLabels((o as Meta).metadata?.labels, labelSelector) && matchesFields(o, fieldSelector));
		let p: RegExpExecArray | null;
		if (path === '/api/v1/nodes') return list(res, 'NodeList', 'v1', select(f.nodes));
		if (path === '/api/v1/pods') return list(res, 'PodList', 'v1', select(f.pods));
		if ((p = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(path))) return list(res, 'PodList', 'v1', select(f.pods, p[1]));
		if ((p = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)$/.exec(path))) {
			const d = (f.deployments ?? []).find((o) => (o as Meta).metadata?.namespace === p![1] && (o as Meta).metadata?.name === p![2]);
			if (!d) return status(res, 404, 'NotFound', `deployments.apps "${p[2]}" not found`);
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(d));
			return;
		}
		if (path === '/apis/karpenter.sh/v1/nodepools') return list(res, 'NodePoolList', 'karpenter.sh/v1', select(f.nodepools));
		if (path === '/apis/karpenter.sh/v1/nodeclaims') return list(res, 'NodeClaimList', 'karpenter.sh/v1', select(f.nodeclaims));
		// The literal slash matters: ".../proxy/stats%2Fsummary" is what a wrong client sends.
		if ((p = /^\/api\/v1\/nodes\/([^/]+)\/proxy\/stats\/summary$/.exec(path))) {
			const summary = f.summaries?.[decodeURIComponent(p[1]!)];
			if (summary === undefined) return status(res, 404, 'NotFound', `nodes "${p[1]}" not found`);
			if (typeof summary === 'number') return status(res, summary, 'ServiceUnavailable', `error trying to reach service: dial tcp 10.0.0.1:10250: connect: connection refused`);
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(summary));
			return;
		}
		return status(res, 404, 'NotFound', `the server could not find the requested resource (${path})`);
	};

	const server = await startHttpsServer({ cert: pki.issue([KUBE_SERVER_NAME], 30), handler });
	const contexts = Object.fromEntries([...fixtures.keys()].map((c) => [c, `${server.url}/clusters/${encodeURIComponent(c)}`]));
	return {
		...server,
		contexts,
		ca: pki.ca.cert,
		token,
		requests,
		set: (context, fixture) => {
			fixtures.set(context, fixture);
			contexts[context] = `${server.url}/clusters/${encodeURIComponent(context)}`;
		},
		stop: async () => {
			for (const t of timers) clearTimeout(t);
			await server.stop();
		},
	};
}

/**
 * Writes a real kubeconfig file: one cluster, user (bearer token) and context per entry of
 * `contexts`, trusting `ca` and verifying the server as `serverName`. Returns its path.
 *
 * @example
 * writeKubeconfig({ contexts: { 'us-east-2': 'https://127.0.0.1:6443' }, ca: pki.ca.cert, token: 't' });
 */
export function writeKubeconfig(options: { contexts: Record<string, string>; ca: string; token: string; serverName?: string; dir?: string }): string {
	const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'handbook-kubeconfig-'));
	const caData = Buffer.from(options.ca).toString('base64');
	const names = Object.keys(options.contexts);
	const q = (s: string) => JSON.stringify(s);
	const yaml = [
		'apiVersion: v1',
		'kind: Config',
		'preferences: {}',
		`current-context: ${q(names[0] ?? '')}`,
		'clusters:',
		...names.flatMap((n) => [`- name: ${q(n)}`, '  cluster:', `    server: ${q(options.contexts[n]!)}`, `    certificate-authority-data: ${caData}`, `    tls-server-name: ${q(options.serverName ?? KUBE_SERVER_NAME)}`]),
		'users:',
		...names.flatMap((n) => [`- name: ${q(`${n}-user`)}`, '  user:', `    token: ${q(options.token)}`]),
		'contexts:',
		...names.flatMap((n) => [`- name: ${q(n)}`, '  context:', `    cluster: ${q(n)}`, `    user: ${q(`${n}-user`)}`]),
		'',
	].join('\n');
	const file = join(dir, 'kubeconfig');
	writeFileSync(file, yaml, { mode: 0o600 });
	return file;
}
