import { rehearsalStatus } from '../../../../checklists/rehearsal.ts';
import { endpoint, json } from '../../../../server/http.ts';

export const prerender = false;

/**
 * Where a rehearsal run stands, for the banner of everyone who opens it: `{ rehearsal: null }`
 * for a real run, else its scenario, the elapsed time (to its sign-off once ended), the page it
 * is worked on and the injects fired so far (never those still to come).
 */
export const GET = endpoint(async (app, context) => {
	const run = await app.service.store.run(context.params.id!);
	if (!run.scenario) return json({ rehearsal: null });
	const start = Date.parse(run.createdAt);
	const end = run.signedOffAt ? Date.parse(run.signedOffAt) : Date.now();
	const status = rehearsalStatus(app.service.scenario(run.scenario), end - start, Boolean(run.signedOffAt));
	return json({ rehearsal: { ...status, runId: run.id, startedAt: run.createdAt, page: app.service.checklist(run.checklist).path } });
});
