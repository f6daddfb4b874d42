import { authorize, personOf } from '../../../../server/authorize.ts';
import { endpoint, json } from '../../../../server/http.ts';
import { may } from '../../../../server/roles.ts';
import { readLoopBody } from '../../../../server/loop-http.ts';
import { helpActionInput } from '../../../../server/workshops.ts';

export const prerender = false;

/**
 * One help request. A facilitator sees all of it; the participant who sent it sees its state and
 * times with the secret they got back (`x-help-secret` header); anyone else gets 404.
 */
export const GET = endpoint(async (app, context) => {
	const id = context.params.id!;
	if (may(await personOf(app, context), 'staff.read')) return json({ help: await app.workshops.records.help(id) });
	return json({ help: await app.workshops.ownHelpState(id, context.request.headers.get('x-help-secret') ?? '') });
});

/** A helper claims (`{ action: 'claim' }`) or resolves (`{ action: 'resolve', resolution?, followUp? }`) a request. */
export const POST = endpoint(async (app, context) => {
	const actor = (await authorize(app, context, 'help.act')).name;
	const body = await readLoopBody(context.request, helpActionInput);
	return json({ help: await app.workshops.actOnHelp(context.params.id!, body, actor) });
});
