import { authorize } from '../../../../server/authorize.ts';
import { endpoint, json } from '../../../../server/http.ts';
import { readLoopBody } from '../../../../server/loop-http.ts';
import { resolveInput } from '../../../../server/workshops.ts';

export const prerender = false;

/** Resolves the incident: `{ note?, message?, followUp? }` → `{ incident }` with `durationMinutes`. */
export const POST = endpoint(async (app, context) => {
	const actor = (await authorize(app, context, 'incident.manage')).name;
	const body = await readLoopBody(context.request, resolveInput, { optional: true });
	const incident = await app.workshops.resolve(context.params.id!, body, actor);
	return json({ incident, durationMinutes: incident.durationMinutes });
});
