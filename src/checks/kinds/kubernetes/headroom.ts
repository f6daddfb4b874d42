import type * as k8s from '@kubernetes/client-node';
import { z } from 'zod';
import { headroom } from '../../capacity.ts';
import { allSettledOrThrow } from '../../settle.ts';
import type { Observed, ProbeContext } from '../../types.ts';
import { GIB, quantity, round } from './quantity.ts';
import { call, conditionTrue, type KubeSession } from './session.ts';

export const params = z.strictObject({
	mode: z.literal('headroom'),
	/** Count only the requests of pods in this namespace; default all namespaces (system pods hold requests too). */
	namespace: z.string().min(1).optional(),
	/** Only nodes matching this label selector, e.g. "karpenter.sh/nodepool=workspaces". */
	nodeSelector: z.string().min(1).optional(),
});

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
/** The room left on the usable nodes once the expected workspaces run. */
export async function observe(p: z.output<typeof params>, ctx: ProbeContext, s: KubeSession): Promise<Observed> {
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
