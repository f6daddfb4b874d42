import { authorize } from '../../../../server/authorize.ts';
import { endpoint, json } from '../../../../server/http.ts';

export const prerender = false;

/** One incident with its timeline: updates and notes merged with the linked run's results and ticks. */
export const GET = endpoint(async (app, context) => {
	await authorize(app, context, 'staff.read');
	const incident = await app.workshops.records.incident(context.params.id!);
	return json(app.engine.redactor.value({ incident, timeline: await app.workshops.timeline(incident) }));
});
