import { z } from 'zod';
import { capacityFor } from '../../capacity.ts';
import { ProbeError, type Observed, type ProbeContext } from '../../types.ts';
import { organizationOf, type CoderApi } from './api.ts';

export const params = z.strictObject({
	mode: z.literal('provisioners'),
	/** Organization name or id; default the environment's `coder.organization`, else the default organization. */
	organization: z.string().min(1).optional(),
	/** Count only daemons carrying all these tags, e.g. `{ region: "us-west-2" }`. */
	tags: z.record(z.string(), z.string()).optional(),
});


interface ProvisionerDaemon {
	status?: string;
	tags?: Record<string, string>;
}
/** The provisioner daemons by status, beside the count the expected attendance needs. */
export async function observe(api: CoderApi, ctx: ProbeContext, p: z.output<typeof params>): Promise<Observed> {
	const org = await organizationOf(api, ctx, p.organization);
	const daemons = await api.getJson<ProvisionerDaemon[]>(`/api/v2/organizations/${encodeURIComponent(org)}/provisionerdaemons?limit=1000`);
	if (!Array.isArray(daemons)) throw new ProbeError('Coder provisionerdaemons answered without a list');
	const wanted = Object.entries(p.tags ?? {});
	const matching = daemons.filter((d) => wanted.every(([k, v]) => d.tags?.[k] === v));
	const count = (status: string) => matching.filter((d) => d.status === status).length;
	return {
		online: matching.filter((d) => d.status !== 'offline').length,
		busy: count('busy'),
		idle: count('idle'),
		offline: count('offline'),
		required: capacityFor(ctx.environment.workshop.expectedAttendance).provisioners.min,
		recommended: capacityFor(ctx.environment.workshop.expectedAttendance).provisioners.recommended,
		expectedAttendance: ctx.environment.workshop.expectedAttendance,
	};
}
