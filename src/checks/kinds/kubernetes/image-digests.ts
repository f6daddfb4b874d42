import { z } from 'zod';
import { allSettledOrThrow } from '../../settle.ts';
import type { Observed, ProbeContext } from '../../types.ts';
import { call, session, type KubeBase } from './session.ts';

export const params = z.strictObject({
	mode: z.literal('image-digests'),
	namespace: z.string().min(1),
	labelSelector: z.string().min(1),
	/** Only this container's image; default every container of the matching pods. */
	container: z.string().min(1).optional(),
});

/** "ghcr.io/coder/coder@sha256:ab…" or "sha256:ab…" → "sha256:ab…" (the registry may differ through mirrors). */
function digestOf(imageID: string | undefined): string | null {
	const m = /sha256:[0-9a-f]{64}/.exec(imageID ?? '');
	return m ? m[0] : null;
}

/** The image digests every region runs, and the regions that differ from the majority. */
export async function observe(p: z.output<typeof params>, ctx: ProbeContext, base: KubeBase): Promise<Observed> {
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
