import { z } from 'zod';
import { authorize } from '../../../../server/authorize.ts';
import { endpoint, json, readJson } from '../../../../server/http.ts';

export const prerender = false;

const decision = z.strictObject({ decision: z.enum(['go', 'no-go']), note: z.string().trim().max(4000).optional() });

/**
 * Records the go / no-go decision (approvers), with the blockers and escalation written in the
 * note. Approvals given to an earlier decision no longer count.
 */
export const POST = endpoint(async (app, context) => {
	const person = await authorize(app, context, 'run.decide');
	const body = await readJson(context.request, decision);
	const run = await app.service.decide(context.params.id!, body.decision, body.note ?? null, person.name);
	await app.auth.people.clearApprovals(run.id);
	return json({ run });
});
