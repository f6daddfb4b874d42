import { authorize } from '../../../../server/authorize.ts';
import { endpoint, json } from '../../../../server/http.ts';
import { monthParam } from '../../../../server/loop-http.ts';

export const prerender = false;

/**
 * The workshop's live state for a facilitator's board: the code, the help requests, the
 * incidents and the summary, in one read (then follow `/events`).
 */
export const GET = endpoint(async (app, context) => {
	await authorize(app, context, 'staff.read');
	const workshop = monthParam(context);
	const w = app.workshops;
	// Read first: a change landing while the rest is read is sent again by /events, never skipped.
	const revision = await w.records.lastEvent(workshop);
	return json(
		app.engine.redactor.value({
			workshop,
			code: await w.codeState(workshop),
			help: await w.records.helpRequests(workshop),
			incidents: await w.records.incidents(workshop),
			summary: await w.summary(workshop),
			revision,
		}),
	);
});
