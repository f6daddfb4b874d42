import pLimit from 'p-limit';
import { fetch } from 'undici';
import { z } from 'zod';
import { concealCredentials } from '../http.ts';
import { ProbeError, type Observed } from '../../types.ts';
import { round } from './quantity.ts';
import { call, kubeError, type KubeSession } from './session.ts';

export const params = z.strictObject({
	mode: z.literal('node-storage'),
	/** Only nodes matching this label selector, e.g. "karpenter.sh/nodepool=workspaces". */
	nodeSelector: z.string().min(1).optional(),
});

/** Kubelet stats requests in flight at once for `node-storage`. */
const STATS_CONCURRENCY = 8;

interface StatsSummary {
	node?: { fs?: { availableBytes?: number; capacityBytes?: number } };
}

/** Every node's used share of its ephemeral storage (kubelet stats), fullest first. */
export async function observe(p: z.output<typeof params>, s: KubeSession): Promise<Observed> {
	const nodes = await call(s, 'list nodes', () => s.core.listNode({ labelSelector: p.nodeSelector }, s.options));
	const names = (nodes.items ?? []).map((n) => n.metadata?.name).filter((n): n is string => !!n);
	const server = s.kc.getCurrentCluster()!.server.replace(/\/+$/, '');
	// One authentication (and one connection pool) for all the kubelet requests.
	const auth = new s.k8s.RequestContext(server, s.k8s.HttpMethod.GET);
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
				refused ??= kubeError(new s.k8s.ApiException(res.status, 'stats/summary', text, {}), s, `read node stats (nodes/proxy) of ${node}`);
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
	// Every node with its share: the outcome rules decide which are too full.
	return {
		context: s.context,
		maxUsedPercent: used.length ? round(used[0]!.percent) : null,
		maxNode: used[0]?.node ?? null,
		nodeCount: names.length,
		nodes: used.map((u) => ({ name: u.node, percent: round(u.percent) })),
		usage: used.slice(0, 20).map((u) => `${u.node}=${round(u.percent)}%`).join(', '),
		unreadable: unreadable.join(', '),
	};
}
