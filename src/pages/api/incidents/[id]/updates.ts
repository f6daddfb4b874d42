import { authorize } from '../../../../server/authorize.ts';
import { endpoint, json } from '../../../../server/http.ts';
import { readLoopBody } from '../../../../server/loop-http.ts';
import { updateInput } from '../../../../server/workshops.ts';

export const prerender = false;

/**
 * A status update or a note: `{ status: investigating|identified|monitoring|resolved|note,
 * note?, message? }` where `message` is the participant message sent with it → 201 `{ incident }`.
 */
export const POST = endpoint(async (app, context) => {
	const actor = (await authorize(app, context, 'incident.manage')).name;
	const body = await readLoopBody(context.request, updateInput);
	return json({ incident: await app.workshops.update(context.params.id!, body, actor) }, 201);
});
