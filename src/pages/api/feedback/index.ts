import { requestClient } from '../../../server/client.ts';
import { endpoint, json } from '../../../server/http.ts';
import { participantKey, readLoopBody } from '../../../server/loop-http.ts';
import { feedbackInput } from '../../../server/workshops.ts';

export const prerender = false;

/**
 * A participant's feedback, sent with the workshop code → 201. One response per browser (a
 * second is 409 and the first is kept); the text is stored as given and never rendered as HTML.
 */
export const POST = endpoint(async (app, context) => {
	const key = participantKey(context);
	await app.workshops.limit(key, requestClient(context).address);
	const body = await readLoopBody(context.request, feedbackInput);
	return json(await app.workshops.sendFeedback(body, key), 201);
});
