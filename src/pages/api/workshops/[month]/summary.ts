import { authorize } from '../../../../server/authorize.ts';
import { endpoint, json } from '../../../../server/http.ts';
import { monthParam } from '../../../../server/loop-http.ts';

export const prerender = false;

/** The workshop's numbers (facilitators): feedback, incidents by severity with durations, help times. */
export const GET = endpoint((app, context) => {
	authorize(app, context, 'staff.read');
	return json(app.workshops.summary(monthParam(context)));
});
