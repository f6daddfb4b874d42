import { endpoint, facilitatorOf, json } from '../../../../server/http.ts';

export const prerender = false;

/**
 * A run: its items' progress, ticks, fields, latest results, decision and sign-off. Anonymous
 * readers get what they may see (src/server/visibility.ts): statuses of every check, observed
 * values and messages of public checks only, no field values, no decision note.
 */
export const GET = endpoint(async (app, context) => json(await app.service.view(context.params.id!, await facilitatorOf(app, context) ? 'facilitator' : 'anonymous')));
