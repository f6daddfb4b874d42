import { authorize } from '../../../../server/authorize.ts';
import { endpoint, json } from '../../../../server/http.ts';
import { monthParam } from '../../../../server/loop-http.ts';

export const prerender = false;

/** The workshop's numbers (facilitators): feedback, incidents by severity with durations, help times. */
export const GET = endpoint(async (app, context) => {
	await authorize(app, context, 'staff.read');
	return json(await app.workshops.summary(monthParam(context)));
});
