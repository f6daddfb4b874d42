import { endpoint, json } from '../../../../server/http.ts';

export const prerender = false;

/** A run: its items' progress, ticks, fields, latest results, decision and sign-off. */
export const GET = endpoint((app, context) => json(app.service.view(context.params.id!)));
