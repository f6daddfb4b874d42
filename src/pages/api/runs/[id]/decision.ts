import { z } from 'zod';
import { endpoint, json, readJson, requireFacilitator } from '../../../../server/http.ts';

export const prerender = false;

const decision = z.strictObject({ decision: z.enum(['go', 'no-go']), note: z.string().trim().max(4000).optional() });

/** Records the go / no-go decision, with the blockers and escalation written in the note. */
export const POST = endpoint(async (app, context) => {
	const actor = await requireFacilitator(app, context);
	const body = await readJson(context.request, decision);
	return json({ run: await app.service.decide(context.params.id!, body.decision, body.note ?? null, actor) });
});
