import { mayRun } from '../../../../../checks/catalogue.ts';
import { requestClient } from '../../../../../server/client.ts';
import { personOf, runWork } from '../../../../../server/authorize.ts';
import { endpoint, json, tooManyRequests } from '../../../../../server/http.ts';
import { may, refusalFor } from '../../../../../server/roles.ts';
import { RequestError } from '../../../../../server/request-error.ts';

export const prerender = false;

/**
 * Runs one check of the run's checklist. The request names a check id and nothing else: what the
 * check contacts is decided on the server. Anonymous readers, and people whose roles do not cover
 * this run, may run `public` checks, rate limited.
 */
export const POST = endpoint(async (app, context) => {
	const { id, checkId } = context.params as { id: string; checkId: string };
	const check = app.engine.handbook.checks.get(checkId);
	if (!check) throw new RequestError(404, `unknown check "${checkId}"`);
	const person = await personOf(app, context);
	const action = await runWork(app, id);
	if (!person || !may(person, action)) {
		if (!mayRun(check, { worker: false })) throw person ? new RequestError(403, refusalFor(person, action)) : new RequestError(401, `"${checkId}" can only be run by a signed-in facilitator`);
		const retryAfter = await app.limiter.take(`run:${requestClient(context).address}`);
		if (retryAfter) throw tooManyRequests(retryAfter);
	}
	const results = await app.service.runCheck(id, checkId, person?.name ?? 'anonymous');
	return json({ results });
});
