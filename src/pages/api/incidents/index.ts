import { authorize } from '../../../server/authorize.ts';
import { endpoint, json } from '../../../server/http.ts';
import { readLoopBody } from '../../../server/loop-http.ts';
import { RequestError } from '../../../server/request-error.ts';
import { incidentInput, workshopKey } from '../../../server/workshops.ts';

export const prerender = false;

/**
 * Declares an incident (facilitators and on-call): `{ workshop, severity, title, runbook?,
 * commander?, run? }`; a commander is required for P0 and P1 → 201 `{ incident }`.
 */
export const POST = endpoint(async (app, context) => {
	const actor = (await authorize(app, context, 'incident.manage')).name;
	const body = await readLoopBody(context.request, incidentInput);
	const incident = await app.workshops.declare(body, actor);
	return json({ incident }, 201, { location: `/api/incidents/${incident.id}` });
});

/** The incidents of a workshop, oldest first (staff): `?workshop=2026-12`. */
export const GET = endpoint(async (app, context) => {
	await authorize(app, context, 'staff.read');
	const workshop = workshopKey.safeParse(context.url.searchParams.get('workshop'));
	if (!workshop.success) throw new RequestError(400, 'workshop: expected ?workshop= with the month, e.g. 2026-12');
	return json({ incidents: await app.workshops.records.incidents(workshop.data) });
});
