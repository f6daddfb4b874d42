import { authorize } from '../../../../server/authorize.ts';
import { endpoint, json } from '../../../../server/http.ts';
import { monthParam } from '../../../../server/loop-http.ts';

export const prerender = false;

/** Closes the workshop's code now (facilitators): participants can no longer write for it. */
export const POST = endpoint(async (app, context) => {
	const actor = (await authorize(app, context, 'workshop.manage')).name;
	const c = await app.workshops.close(monthParam(context), actor);
	return json({ code: c.code, closesAt: c.closesAt, closedAt: c.closedAt, open: false });
});
