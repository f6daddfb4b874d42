import pLimit from 'p-limit';
import * as k8s from '@kubernetes/client-node';
import { STATUS_CODES } from 'node:http';
import { fetch } from 'undici';
import { z } from 'zod';
import { capacityFor, headroom } from '../capacity.ts';
import { errorCode } from '../net.ts';
import { concealCredentials } from './http.ts';
import { excerpt } from '../redact.ts';
import { ProbeError, type Kind, type Observed, type ProbeContext } from '../types.ts';
import { allSettledOrThrow } from '../settle.ts';

const deploymentParams = z.strictObject({
	mode: z.literal('deployment'),
	namespace: z.string().min(1),
	name: z.string().min(1),
	/** Also observe `required`: replicas the expected attendance needs, from the capacity table. */
	compare: z.enum(['provisioners', 'litellm']).optional(),
});
const imageDigestsParams = z.strictObject({
	mode: z.literal('image-digests'),
	namespace: z.string().min(1),
	labelSelector: z.string().min(1),
	/** Only this container's image; default every container of the matching pods. */
	container: z.string().min(1).optional(),
});
const karpenterParams = z.strictObject({
	mode: z.literal('karpenter'),
	namespace: z.string().min(1).default('karpenter'),
	labelSelector: z.string().min(1).default('app.kubernetes.io/name=karpenter'),
});
const nodeStorageParams = z.strictObject({
	mode: z.literal('node-storage'),
	/** Only nodes matching this label selector, e.g. "karpenter.sh/nodepool=workspaces". */
	nodeSelector: z.string().min(1).optional(),
});
const headroomParams = z.strictObject({
	mode: z.literal('headroom'),
	/** Count only the requests of pods in this namespace; default all namespaces (system pods hold requests too). */
	namespace: z.string().min(1).optional(),
	/** Only nodes matching this label selector, e.g. "karpenter.sh/nodepool=workspaces". */
	nodeSelector: z.string().min(1).optional(),
});

export const params = z.discriminatedUnion('mode', [deploymentParams, imageDigestsParams, karpenterParams, nodeStorageParams, headroomParams]);
type Params = z.output<typeof params>;

/** Kubelet stats requests in flight at once for `node-storage`. */
const STATS_CONCURRENCY = 8;

const SUFFIX: Record<string, number> = {
	n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
	Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * A Kubernetes quantity ("7910m", "104845292Ki", "1.5e3") as a number; 0 when absent.
 *
 * @example
 * quantity('500m') // → 0.5
 * quantity('8Gi')  // → 8589934592
 */
export function quantity(q: string | number | undefined): number {
	if (q === undefined || q === null || q === '') return 0;
	if (typeof q === 'number') return q;
	const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(q.trim());
	const factor = m ? SUFFIX[m[2]!] : undefined;
	if (!m || factor === undefined) throw new ProbeError(`the Kubernetes quantity ${JSON.stringify(q)} cannot be read`);
	return Number(m[1]) * factor;
}

const GIB = 2 ** 30;

function round(n: number, digits = 1): number {
	const f = 10 ** digits;
	return Math.round(n * f) / f;
}

/** One kube context's clients, every request of which stops when `signal` aborts. */
interface KubeSession {
	context: string;
	kc: k8s.KubeConfig;
	core: k8s.CoreV1Api;
	apps: k8s.AppsV1Api;
	custom: k8s.CustomObjectsApi;
	options: k8s.ConfigurationOptions;
	signal: AbortSignal;
	ctx: ProbeContext;
}

function loadKubeConfig(ctx: ProbeContext): k8s.KubeConfig {
	const kc = new k8s.KubeConfig();
	try {
		if (ctx.environment.kubeconfig) kc.loadFromFile(ctx.environment.kubeconfig);
		else kc.loadFromDefault();
	} catch (err) {
		throw new ProbeError(`the kubeconfig ${ctx.environment.kubeconfig ?? '($KUBECONFIG or ~/.kube/config)'} cannot be read: ${(err as Error).message}`);
	}
	// The credentials in the kubeconfig are secrets of the probe, though the config never names them.
	for (const user of kc.users) {
		for (const value of [user.token, user.password, ...Object.values((user.authProvider?.config ?? {}) as Record<string, unknown>)]) {
			if (typeof value === 'string') ctx.conceal?.(value);
		}
	}
	return kc;
}

/** A session on one context of the kubeconfig: its own KubeConfig, so sessions can run side by side. */
function session(base: k8s.KubeConfig, context: string, ctx: ProbeContext): KubeSession {
	const signal = ctx.signal;
	if (!base.getContextObject(context)) {
		const known = base.getContexts().map((c) => c.name);
		throw new ProbeError(`kube context "${context}" is not in the kubeconfig (contexts: ${known.join(', ') || 'none'})`, { context });
	}
	const kc = new k8s.KubeConfig();
	kc.loadFromOptions({ clusters: base.clusters, users: base.users, contexts: base.contexts, currentContext: context });
	if (!kc.getCurrentCluster()) throw new ProbeError(`kube context "${context}" names a cluster the kubeconfig does not define`, { context });
	// Object-parameter API calls run Observable middleware (the library's own stub, not rxjs).
	const withSignal: k8s.ObservableMiddleware = {
		pre: (rc) => {
			rc.setSignal(signal);
			return new k8s.Observable(Promise.resolve(rc));
		},
		post: (res) => new k8s.Observable(Promise.resolve(res)),
	};
	return {
		context,
		kc,
		core: kc.makeApiClient(k8s.CoreV1Api),
		apps: kc.makeApiClient(k8s.AppsV1Api),
		custom: kc.makeApiClient(k8s.CustomObjectsApi),
		options: { middleware: [withSignal], middlewareMergeStrategy: 'append' },
		signal,
		ctx,
	};
}

function contextOf(ctx: ProbeContext): string {
	const context = ctx.region?.kubeContext ?? ctx.environment.regions[0]?.kubeContext;
	if (!context) throw new ProbeError(`environment "${ctx.environment.id}" has no region with a kube context`);
	return context;
}

/** A Kubernetes API failure as a ProbeError: HTTP code and reason, or the network code; never credentials. */
function kubeError(err: unknown, s: KubeSession, what: string): ProbeError {
	if (err instanceof ProbeError) return err;
	const where = `Kubernetes API of context "${s.context}"`;
	if (s.signal.aborted) return new ProbeError(`${where}: ${what} did not finish before the deadline`, { context: s.context, error: 'ABORTED' });
	if (err instanceof k8s.ApiException) {
		const code = Number(err.code);
		let reason = '';
		let message = '';
		try {
			const status = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as { reason?: string; message?: string };
			reason = status?.reason ?? '';
			message = status?.message ?? '';
		} catch {
			message = excerpt(String(err.body ?? ''), 120);
		}
		// Some generated handlers drop the body (e.g. 401): fall back to the standard reason.
		reason ||= (STATUS_CODES[code] ?? '').replace(/\s+/g, '');
		const hint = code === 401 ? ' (the credentials of this context were refused)' : code === 403 ? ' (RBAC does not allow it)' : '';
		return new ProbeError(`${where} answered ${code}${reason ? ` ${reason}` : ''} to ${what}${message ? `: ${message}` : ''}${hint}`, { context: s.context, httpStatus: code, reason: reason || null });
	}
	const code = errorCode(err);
	const server = s.kc.getCurrentCluster()?.server;
	const host = server ? new URL(server).host : '?';
	return new ProbeError(`${where} (${host}) cannot be reached to ${what}: ${code === 'UNKNOWN' ? (err as Error).message : code}`, { context: s.context, error: code });
}

async function call<T>(s: KubeSession, what: string, fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (err) {
		throw kubeError(err, s, what);
	}
}

function conditionTrue(conditions: Array<{ type?: string; status?: string }> | undefined, type: string): boolean | undefined {
	const c = conditions?.find((x) => x.type === type);
	return c ? c.status === 'True' : undefined;
}

async function observeDeployment(p: z.output<typeof deploymentParams>, ctx: ProbeContext, s: KubeSession): Promise<Observed> {
	const need = p.compare === undefined ? null : capacityFor(ctx.environment.workshop.expectedAttendance)[p.compare === 'provisioners' ? 'provisioners' : 'litellmReplicas'];
	const required = need?.min ?? null;
	const recommended = need?.recommended ?? null;
	let d: k8s.V1Deployment;
	try {
		d = await s.apps.readNamespacedDeployment({ namespace: p.namespace, name: p.name }, s.options);
	} catch (err) {
		// A deployment that does not exist runs nothing: observed as zero replicas.
		if (err instanceof k8s.ApiException && Number(err.code) === 404) return { context: s.context, exists: false, desired: 0, ready: 0, available: 0, updated: 0, required, recommended };
		throw kubeError(err, s, `read deployment ${p.namespace}/${p.name}`);
	}
	return {
		context: s.context,
		exists: true,
		desired: d.spec?.replicas ?? 1,
		// Status counters are omitted when 0.
		ready: d.status?.readyReplicas ?? 0,
		available: d.status?.availableReplicas ?? 0,
		updated: d.status?.updatedReplicas ?? 0,
		required,
		recommended,
	};
}

/** "ghcr.io/coder/coder@sha256:ab…" or "sha256:ab…" → "sha256:ab…" (the registry may differ through mirrors). */
function digestOf(imageID: string | undefined): string | null {
	const m = /sha256:[0-9a-f]{64}/.exec(imageID ?? '');
	return m ? m[0] : null;
}

async function observeImageDigests(p: z.output<typeof imageDigestsParams>, ctx: ProbeContext, base: k8s.KubeConfig): Promise<Observed> {
	const regions = ctx.environment.regions;
	const sessions = regions.map((r) => session(base, r.kubeContext, ctx));
	const perRegion = await allSettledOrThrow(
		sessions.map(async (s) => {
			const pods = await call(s, `list pods ${p.namespace} (${p.labelSelector})`, () =>
				s.core.listNamespacedPod({ namespace: p.namespace, labelSelector: p.labelSelector }, s.options),
			);
			const digests = new Set<string>();
			for (const pod of pods.items ?? []) {
				if (pod.status?.phase !== 'Running') continue;
				for (const cs of pod.status.containerStatuses ?? []) {
					if (p.container && cs.name !== p.container) continue;
					const d = digestOf(cs.imageID);
					if (d) digests.add(d);
				}
			}
			return [...digests].sort();
		}),
	);
	const digests: Record<string, string | null> = {};
	regions.forEach((r, i) => (digests[r.name] = perRegion[i]!.length ? perRegion[i]!.join(',') : null));
	const all = new Set(perRegion.flat());
	// The digest most regions run; a tie goes to the earlier region (the control plane is listed first).
	const votes = new Map<string, number>();
	for (const v of Object.values(digests)) if (v) votes.set(v, (votes.get(v) ?? 0) + 1);
	let majority: string | null = null;
	for (const v of Object.values(digests)) if (v && (majority === null || votes.get(v)! > votes.get(majority)!)) majority = v;
	const odd = regions.filter((r) => digests[r.name] !== majority);
	return {
		digests,
		distinct: all.size,
		majorityDigest: majority,
		oddRegion: odd.length ? odd.map((r) => r.name).join(', ') : null,
		oddDigest: odd.length ? (digests[odd[0]!.name] ?? 'none') : null,
		missing: regions.filter((r) => digests[r.name] === null).map((r) => r.name).join(', '),
		regions: regions.length,
	};
}

interface KarpenterObject {
	metadata?: { name?: string; deletionTimestamp?: string };
	status?: { conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> };
}

async function listCluster(s: KubeSession, plural: string): Promise<KarpenterObject[]> {
	const list = (await call(s, `list karpenter.sh/v1 ${plural}`, () => s.custom.listClusterCustomObject({ group: 'karpenter.sh', version: 'v1', plural }, s.options))) as {
		items?: KarpenterObject[];
	};
	if (!Array.isArray(list?.items)) throw new ProbeError(`Kubernetes API of context "${s.context}" answered the ${plural} list without items`, { context: s.context });
	return list.items;
}

async function observeKarpenter(p: z.output<typeof karpenterParams>, s: KubeSession): Promise<Observed> {
	const [pods, nodePools, nodeClaims] = await allSettledOrThrow([
		call(s, `list pods ${p.namespace} (${p.labelSelector})`, () => s.core.listNamespacedPod({ namespace: p.namespace, labelSelector: p.labelSelector }, s.options)),
		listCluster(s, 'nodepools'),
		listCluster(s, 'nodeclaims'),
	]);
	const podItems = pods.items ?? [];
	const readyPods = podItems.filter((pod) => pod.status?.phase === 'Running' && conditionTrue(pod.status.conditions, 'Ready') === true);
	const poolReady = (np: KarpenterObject) => {
		const c = np.status?.conditions;
		const ready = conditionTrue(c, 'Ready');
		return ready ?? (conditionTrue(c, 'ValidationSucceeded') === true && conditionTrue(c, 'NodeClassReady') === true);
	};
	const notReady = nodePools.filter((np) => !poolReady(np));
	const why = (np: KarpenterObject) => {
		const c = np.status?.conditions?.find((x) => x.type === 'Ready' && x.status !== 'True') ?? np.status?.conditions?.find((x) => x.status !== 'True');
		return `${np.metadata?.name ?? '?'}=${c ? c.reason || c.type : 'no conditions'}`;
	};
	// A NodeClaim being deleted is on its way out, not unhealthy.
	const claims = nodeClaims.filter((c) => !c.metadata?.deletionTimestamp);
	return {
		context: s.context,
		podsReady: readyPods.length,
		podsTotal: podItems.length,
		nodePoolsReady: nodePools.length - notReady.length,
		nodePoolsTotal: nodePools.length,
		notReady: notReady.map((np) => np.metadata?.name ?? '?').join(', '),
		notReadyReasons: notReady.map(why).join(', '),
		nodeClaimsNotReady: claims.filter((c) => conditionTrue(c.status?.conditions, 'Ready') !== true).length,
		nodeClaimsTotal: claims.length,
	};
}

interface StatsSummary {
	node?: { fs?: { availableBytes?: number; capacityBytes?: number } };
}

async function observeNodeStorage(p: z.output<typeof nodeStorageParams>, s: KubeSession): Promise<Observed> {
	const nodes = await call(s, 'list nodes', () => s.core.listNode({ labelSelector: p.nodeSelector }, s.options));
	const names = (nodes.items ?? []).map((n) => n.metadata?.name).filter((n): n is string => !!n);
	const server = s.kc.getCurrentCluster()!.server.replace(/\/+$/, '');
	// One authentication (and one connection pool) for all the kubelet requests.
	const auth = new k8s.RequestContext(server, k8s.HttpMethod.GET);
	await call(s, 'authenticate', () => s.kc.applySecurityAuthentication(auth));
	// A token an exec plugin produced is known only now.
	concealCredentials(auth.getHeaders() as Record<string, string>, s.ctx);
	const dispatcher = auth.getDispatcher();
	const used: Array<{ node: string; percent: number }> = [];
	const unreadable: string[] = [];
	let refused: ProbeError | undefined;
	try {
		const pool = pLimit(STATS_CONCURRENCY);
		const readNode = async (node: string): Promise<void> => {
			// Raw request: connectGetNodeProxyWithPath would encode the slash of "stats/summary".
			const url = `${server}/api/v1/nodes/${encodeURIComponent(node)}/proxy/stats/summary`;
			let res;
			try {
				res = await fetch(url, { headers: auth.getHeaders(), dispatcher: dispatcher as never, signal: s.signal });
			} catch (err) {
				throw kubeError(err, s, `read the stats of node ${node}`);
			}
			const text = await res.text();
			if (res.status === 401 || res.status === 403) {
				refused ??= kubeError(new k8s.ApiException(res.status, 'stats/summary', text, {}), s, `read node stats (nodes/proxy) of ${node}`);
				return;
			}
			let fs: { availableBytes?: number; capacityBytes?: number } | undefined;
			try {
				fs = res.status === 200 ? (JSON.parse(text) as StatsSummary).node?.fs : undefined;
			} catch {
				fs = undefined;
			}
			// A kubelet that does not answer (node NotReady) is listed, not fatal.
			if (!fs?.capacityBytes || typeof fs.availableBytes !== 'number') {
				unreadable.push(node);
				return;
			}
			used.push({ node, percent: (1 - fs.availableBytes / fs.capacityBytes) * 100 });
		};
		await Promise.all(names.map((node) => pool(readNode, node)));
	} finally {
		await dispatcher?.close().catch(() => {});
	}
	if (refused) throw refused;
	if (names.length && !used.length) throw new ProbeError(`Kubernetes API of context "${s.context}": no node's kubelet stats could be read (${unreadable.join(', ')})`, { context: s.context });
	used.sort((a, b) => b.percent - a.percent);
	const at = (limit: number) => used.filter((u) => u.percent >= limit).map((u) => u.node).join(', ');
	return {
		context: s.context,
		maxUsedPercent: used.length ? round(used[0]!.percent) : null,
		maxNode: used[0]?.node ?? null,
		nodes: names.length,
		over60: at(60),
		over50: at(50),
		usage: used.slice(0, 20).map((u) => `${u.node}=${round(u.percent)}%`).join(', '),
		unreadable: unreadable.join(', '),
	};
}

type Requests = { cpu: number; memory: number };

/** A pod's effective requests: its containers' sum, or its largest init container if larger, plus overhead. */
function podRequests(pod: k8s.V1Pod): Requests {
	const req = (c: { resources?: { requests?: Record<string, string> } }): Requests => ({
		cpu: quantity(c.resources?.requests?.cpu),
		memory: quantity(c.resources?.requests?.memory),
	});
	const sum = (pod.spec?.containers ?? []).map(req).reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
	for (const init of pod.spec?.initContainers ?? []) {
		const r = req(init);
		sum.cpu = Math.max(sum.cpu, r.cpu);
		sum.memory = Math.max(sum.memory, r.memory);
	}
	const overhead = pod.spec?.overhead as Record<string, string> | undefined;
	return { cpu: sum.cpu + quantity(overhead?.cpu), memory: sum.memory + quantity(overhead?.memory) };
}

async function observeHeadroom(p: z.output<typeof headroomParams>, ctx: ProbeContext, s: KubeSession): Promise<Observed> {
	const [nodes, pods] = await allSettledOrThrow([
		call(s, 'list nodes', () => s.core.listNode({ labelSelector: p.nodeSelector }, s.options)),
		call(s, 'list pods', () =>
			p.namespace
				? s.core.listNamespacedPod({ namespace: p.namespace, fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }, s.options)
				: s.core.listPodForAllNamespaces({ fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }, s.options),
		),
	]);
	// Only nodes that take new pods count: Ready and not cordoned.
	const usable = (nodes.items ?? []).filter((n) => !n.spec?.unschedulable && conditionTrue(n.status?.conditions, 'Ready') === true);
	const names = new Set(usable.map((n) => n.metadata?.name));
	const allocatable = usable.reduce((a, n) => ({ cpu: a.cpu + quantity(n.status?.allocatable?.cpu), memory: a.memory + quantity(n.status?.allocatable?.memory) }), { cpu: 0, memory: 0 });
	const requested = (pods.items ?? [])
		.filter((pod) => names.has(pod.spec?.nodeName) && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed')
		.map(podRequests)
		.reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
	const { expectedAttendance, template } = ctx.environment.workshop;
	// The same arithmetic as the capacity planner on the capacity page.
	const room = headroom({
		allocatable: { cpu: allocatable.cpu, memoryGiB: allocatable.memory / GIB },
		requested: { cpu: requested.cpu, memoryGiB: requested.memory / GIB },
		workspaces: expectedAttendance,
		template,
	});
	return {
		context: s.context,
		nodes: usable.length,
		allocatableCpu: round(allocatable.cpu, 2),
		allocatableMemoryGiB: round(allocatable.memory / GIB, 2),
		freeCpu: round(room.free.cpu, 2),
		freeMemoryGiB: round(room.free.memoryGiB, 2),
		neededCpu: room.needed.cpu,
		neededMemoryGiB: room.needed.memoryGiB,
		cpuHeadroomPercent: round(room.cpuPercent),
		memoryHeadroomPercent: round(room.memoryPercent),
		headroomPercent: round(room.percent),
		limitedBy: room.limitedBy,
	};
}

/**
 * Reads the clusters through the kubeconfig (`environment.kubeconfig`, else $KUBECONFIG or
 * ~/.kube/config) with @kubernetes/client-node, on the region's `kubeContext` (the environment's
 * first region when the check is not per region; `image-digests` reads every region). Any API
 * failure (401, 403, unreachable, unknown context) is an error naming the context, the HTTP code
 * and the reason; every request stops at the deadline.
 *
 * Observed values, mode `deployment` (every mode also returns `context` (string), except image-digests):
 * - `exists` (boolean): the deployment exists (when not, the counts are 0).
 * - `desired`, `ready`, `available`, `updated` (number): spec and status replica counts.
 * - `required` (number | null): the floor of replicas for `workshop.expectedAttendance` by the capacity table
 *   (`compare`: "provisioners" or "litellm"), null without `compare`.
 * - `recommended` (number | null): the table's recommended count (the top of its range), null without `compare`.
 *
 * Mode `image-digests` (every region's context; Running pods only; `sha256:…` part of `imageID`):
 * - `digests` (object): region name → digest (several, comma-separated, mid-rollout; null when no pod runs).
 * - `distinct` (number): distinct digests over all regions.
 * - `majorityDigest` (string | null): the value most regions have (ties: the earlier region).
 * - `oddRegion` (string | null): regions whose value differs from it, comma-separated; null when all agree.
 * - `oddDigest` (string | null): the first odd region's value ("none" when it runs no pod).
 * - `missing` (string): regions without a running pod. `regions` (number): regions read.
 *
 * Mode `karpenter`:
 * - `podsReady`, `podsTotal` (number): controller pods Ready / matching the selector.
 * - `nodePoolsReady`, `nodePoolsTotal` (number): NodePools whose `Ready` condition is True (without one:
 *   ValidationSucceeded and NodeClassReady both True).
 * - `notReady` (string): NodePools not ready; `notReadyReasons` (string): "name=reason, …".
 * - `nodeClaimsNotReady`, `nodeClaimsTotal` (number): NodeClaims (not being deleted) whose Ready is not True.
 *
 * Mode `node-storage` (kubelet `/api/v1/nodes/{n}/proxy/stats/summary`, usedPercent = (1 − available/capacity) × 100 of `node.fs`):
 * - `maxUsedPercent` (number | null, 1 decimal) and `maxNode` (string | null): the fullest node.
 * - `nodes` (number): nodes listed. `over60`, `over50` (string): nodes at or above 60 % / 50 %, fullest first.
 * - `usage` (string): "node=64.0%, …" fullest first, at most 20. `unreadable` (string): nodes whose kubelet did not answer.
 *
 * Mode `headroom` (Ready, schedulable nodes; requests of pods not finished on them):
 * - `nodes` (number), `allocatableCpu` (cores), `allocatableMemoryGiB`.
 * - `freeCpu`, `freeMemoryGiB`: allocatable minus the pods' requests.
 * - `neededCpu`, `neededMemoryGiB`: `workshop.expectedAttendance` × `workshop.template` size.
 * - `cpuHeadroomPercent`, `memoryHeadroomPercent`: (free − needed) / allocatable × 100, i.e. the share of the
 *   allocatable capacity still unrequested once the expected workspaces run (negative: they do not fit).
 * - `headroomPercent` (number): the smaller of the two; `limitedBy` ("cpu" | "memory"): which one it is.
 */
const kubernetes: Kind<Params> = {
	name: 'kubernetes',
	params,
	async observe(p, ctx) {
		const base = loadKubeConfig(ctx);
		if (p.mode === 'image-digests') return observeImageDigests(p, ctx, base);
		const s = session(base, contextOf(ctx), ctx);
		switch (p.mode) {
			case 'deployment':
				return observeDeployment(p, ctx, s);
			case 'karpenter':
				return observeKarpenter(p, s);
			case 'node-storage':
				return observeNodeStorage(p, s);
			case 'headroom':
				return observeHeadroom(p, ctx, s);
		}
	},
};

export default kubernetes;
