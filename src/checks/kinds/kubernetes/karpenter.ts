import { z } from 'zod';
import { allSettledOrThrow } from '../../settle.ts';
import { ProbeError, type Observed } from '../../types.ts';
import { call, conditionTrue, type KubeSession } from './session.ts';

export const params = z.strictObject({
	mode: z.literal('karpenter'),
	namespace: z.string().min(1).default('karpenter'),
	labelSelector: z.string().min(1).default('app.kubernetes.io/name=karpenter'),
});

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
/** The Karpenter controller's pods, its NodePools and NodeClaims. */
export async function observe(p: z.output<typeof params>, s: KubeSession): Promise<Observed> {
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
