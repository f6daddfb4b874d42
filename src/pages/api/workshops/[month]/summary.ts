import { endpoint, json, requireFacilitator } from '../../../../server/http.ts';
import { monthParam } from '../../../../server/loop-http.ts';

export const prerender = false;

/** The workshop's numbers (facilitators): feedback, incidents by severity with durations, help times. */
export const GET = endpoint(async (app, context) => {
	await requireFacilitator(app, context);
	return json(await app.workshops.summary(monthParam(context)));
});
