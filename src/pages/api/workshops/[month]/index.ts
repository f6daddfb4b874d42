import { endpoint, json, requireFacilitator } from '../../../../server/http.ts';
import { monthParam } from '../../../../server/loop-http.ts';

export const prerender = false;

/**
 * The workshop's live state for a facilitator's board: the code, the help requests, the
 * incidents and the summary, in one read (then follow `/events`).
 */
export const GET = endpoint(async (app, context) => {
	await requireFacilitator(app, context);
	const workshop = monthParam(context);
	const w = app.workshops;
	return json(
		app.engine.redactor.value({
			workshop,
			code: w.codeState(workshop),
			help: await w.records.helpRequests(workshop),
			incidents: await w.records.incidents(workshop),
			summary: w.summary(workshop),
			revision: await w.records.lastEvent(workshop),
		}),
	);
});
