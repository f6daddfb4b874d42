import type * as k8s from '@kubernetes/client-node';
import { z } from 'zod';
import { capacityFor } from '../../capacity.ts';
import type { Observed, ProbeContext } from '../../types.ts';
import { kubeError, type KubeSession } from './session.ts';

export const params = z.strictObject({
	mode: z.literal('deployment'),
	namespace: z.string().min(1),
	name: z.string().min(1),
	/** Also observe `required`: replicas the expected attendance needs, from the capacity table. */
	compare: z.enum(['provisioners', 'litellm']).optional(),
});

/** One deployment's replica counts, beside the count the expected attendance needs. */
export async function observe(p: z.output<typeof params>, ctx: ProbeContext, s: KubeSession): Promise<Observed> {
	const need = p.compare === undefined ? null : capacityFor(ctx.environment.workshop.expectedAttendance)[p.compare === 'provisioners' ? 'provisioners' : 'litellmReplicas'];
	const required = need?.min ?? null;
	const recommended = need?.recommended ?? null;
	let d: k8s.V1Deployment;
	try {
		d = await s.apps.readNamespacedDeployment({ namespace: p.namespace, name: p.name }, s.options);
	} catch (err) {
		// A deployment that does not exist runs nothing: observed as zero replicas.
		if (err instanceof s.k8s.ApiException && Number(err.code) === 404) return { context: s.context, exists: false, desired: 0, ready: 0, available: 0, updated: 0, required, recommended };
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
