import { mayRun } from '../../../../../checks/catalogue.ts';
import { requestClient } from '../../../../../server/client.ts';
import { endpoint, facilitatorOf, json, tooManyRequests } from '../../../../../server/http.ts';
import { RequestError } from '../../../../../server/runs.ts';

export const prerender = false;

/**
 * Runs one check of the run's checklist. The request names a check id and nothing else: what the
 * check contacts is decided on the server. Anonymous readers may run `public` checks, rate limited.
 */
export const POST = endpoint(async (app, context) => {
	const { id, checkId } = context.params as { id: string; checkId: string };
	const check = app.engine.handbook.checks.get(checkId);
	if (!check) throw new RequestError(404, `unknown check "${checkId}"`);
	const facilitator = await facilitatorOf(app, context);
	if (!facilitator) {
		if (!mayRun(check, { facilitator: false })) throw new RequestError(401, `"${checkId}" can only be run by a signed-in facilitator`);
		const retryAfter = await app.limiter.take(`run:${requestClient(context).address}`);
		if (retryAfter) throw tooManyRequests(retryAfter);
	}
	const results = await app.service.runCheck(id, checkId, facilitator ?? 'anonymous');
	return json({ results });
});
