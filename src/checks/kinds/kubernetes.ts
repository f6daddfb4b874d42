import { z } from 'zod';
import type { Kind } from '../types.ts';
import * as deployment from './kubernetes/deployment.ts';
import * as headroom from './kubernetes/headroom.ts';
import * as imageDigests from './kubernetes/image-digests.ts';
import * as karpenter from './kubernetes/karpenter.ts';
import * as nodeStorage from './kubernetes/node-storage.ts';
import { contextOf, loadKubeConfig, session } from './kubernetes/session.ts';

export { quantity } from './kubernetes/quantity.ts';

export const params = z.discriminatedUnion('mode', [deployment.params, imageDigests.params, karpenter.params, nodeStorage.params, headroom.params]);
type Params = z.output<typeof params>;

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
 * - `nodeCount` (number): nodes listed.
 * - `nodes` (array of `{ name, percent }`): every node read, fullest first; a message lists those over its
 *   rule's threshold with `{nodes[percent >= $threshold].name}`.
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
		const base = await loadKubeConfig(ctx);
		if (p.mode === 'image-digests') return imageDigests.observe(p, ctx, base);
		const s = session(base, contextOf(ctx), ctx);
		switch (p.mode) {
			case 'deployment':
				return deployment.observe(p, ctx, s);
			case 'karpenter':
				return karpenter.observe(p, s);
			case 'node-storage':
				return nodeStorage.observe(p, s);
			case 'headroom':
				return headroom.observe(p, ctx, s);
		}
	},
};

export default kubernetes;
