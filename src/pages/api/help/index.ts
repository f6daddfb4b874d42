import { authorize } from '../../../server/authorize.ts';
import { requestClient } from '../../../server/client.ts';
import { endpoint, json } from '../../../server/http.ts';
import { participantKey, readLoopBody } from '../../../server/loop-http.ts';
import { RequestError } from '../../../server/request-error.ts';
import { helpInput, workshopKey } from '../../../server/workshops.ts';

export const prerender = false;

/**
 * A participant's "I'm stuck" request, sent with the workshop code → 201 `{ id, secret }`. The
 * secret (kept in the participant's browser) is the only way to read the request's state back.
 */
export const POST = endpoint(async (app, context) => {
	const key = participantKey(context);
	await app.workshops.limit(key, requestClient(context).address);
	const body = await readLoopBody(context.request, helpInput);
	const { id, secret } = await app.workshops.requestHelp(body);
	return json({ id, secret }, 201, { location: `/api/help/${id}` });
});

/** A workshop's help requests, oldest first (staff): `?workshop=2026-12`. */
export const GET = endpoint(async (app, context) => {
	await authorize(app, context, 'staff.read');
	const workshop = workshopKey.safeParse(context.url.searchParams.get('workshop'));
	if (!workshop.success) throw new RequestError(400, 'workshop: expected ?workshop= with the month, e.g. 2026-12');
	return json({ help: await app.workshops.records.helpRequests(workshop.data) });
});
