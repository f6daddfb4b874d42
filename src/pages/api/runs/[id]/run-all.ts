import { z } from 'zod';
import { authorize, runWork } from '../../../../server/authorize.ts';
import { endpoint, json, readJson } from '../../../../server/http.ts';

export const prerender = false;

/**
 * Runs every check of the run's checklist as a server-side job (facilitators; on-call in an incident runbook's run): 202 with the job's
 * state at once, `joined: true` when a job of this run was already under way. Progress arrives
 * over the run's live events; closing the page does not stop the job.
 */
export const POST = endpoint(async (app, context) => {
	const actor = (await authorize(app, context, await runWork(app, context.params.id!))).name;
	await readJson(context.request, z.strictObject({}));
	const { runAll, joined } = await app.service.startRunAll(context.params.id!, actor);
	return json({ runAll, joined }, 202);
});
