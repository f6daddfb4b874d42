import { authorize } from '../../../../server/authorize.ts';
import { endpoint, json } from '../../../../server/http.ts';
import { monthParam, readLoopBody } from '../../../../server/loop-http.ts';
import { openInput } from '../../../../server/workshops.ts';

export const prerender = false;

/**
 * Opens the workshop for participants (facilitators): a new short code to show in the room, and
 * when it closes. Calling it again reissues the code; the old one stops working.
 * Body (optional): `{ minutes }`, default 240.
 */
export const POST = endpoint(async (app, context) => {
	const actor = (await authorize(app, context, 'workshop.manage')).name;
	const workshop = monthParam(context);
	const body = await readLoopBody(context.request, openInput, { optional: true });
	return json(await app.workshops.open(workshop, actor, body?.minutes ?? undefined), 201);
});
