import { approversNeeded, readerOf } from '../../../../server/authorize.ts';
import { endpoint, json } from '../../../../server/http.ts';

export const prerender = false;

/**
 * A run: its items' progress, ticks, fields, latest results, decision, approvals and sign-off.
 * Viewers get what they may see (src/server/visibility.ts): statuses of every check, observed
 * values and messages of public checks only, no field values, no decision note.
 */
export const GET = endpoint(async (app, context) => {
	const view = await app.service.view(context.params.id!, await readerOf(app, context));
	const approvals = (await app.auth.people.approvals(view.run.id)).map(({ name, at }) => ({ name, at }));
	return json({ ...view, approvals, approversNeeded: approversNeeded(app, view.run.checklist) });
});
