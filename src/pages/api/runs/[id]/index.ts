import { approversNeeded, readerOf } from '../../../../server/authorize.ts';
import { endpoint, json } from '../../../../server/http.ts';

export const prerender = false;

/**
 * A run: its items' progress, ticks, fields, latest results, decision, approvals and sign-off.
 * Viewers get what they may see (src/server/visibility.ts): statuses of every check, observed
 * values and messages of public checks only, no field values, no decision note.
 */
export const GET = endpoint((app, context) => {
	const view = app.service.view(context.params.id!, readerOf(app, context));
	const approvals = app.auth.people.approvals(view.run.id).map(({ name, at }) => ({ name, at }));
	return json({ ...view, approvals, approversNeeded: approversNeeded(app, view.run.checklist) });
});
