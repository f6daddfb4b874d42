import { z } from 'zod';
import { authorize, isRunbook, readerOf } from '../../../server/authorize.ts';
import { endpoint, json, readJson } from '../../../server/http.ts';
import { visibleRun } from '../../../server/visibility.ts';

export const prerender = false;

const id = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,79}$/);

/**
 * Runs of a checklist, newest first: `?checklist=pre-workshop&environment=ai.coder.com`. With a
 * checklist, `defaults` says what a new run of it gets: its own environment and the next workshop.
 */
export const GET = endpoint(async (app, context) => {
	const q = context.url.searchParams;
	const filter = z.object({ checklist: id.optional(), environment: id.optional(), workshop: z.string().max(40).optional() }).safeParse(Object.fromEntries(q));
	if (!filter.success) return json({ error: 'checklist, environment and workshop must be ids' }, 400);
	const reader = await readerOf(app, context);
	const runs = (await app.store.listRuns({ ...filter.data, limit: 50 })).map((run) => visibleRun(run, reader));
	const known = filter.data.checklist && app.service.checklists.get(filter.data.checklist);
	return json(known ? { runs, defaults: app.service.runDefaults(known.id) } : { runs });
});

const startRun = z.strictObject({
	checklist: id.optional(),
	environment: id.optional(),
	workshop: z.string().trim().min(1).max(40).optional(),
	scenario: id.optional(),
});

/**
 * Starts a run of a checklist (facilitators), or of an incident runbook or a rehearsal of one
 * (facilitators and on-call). Without `environment` it runs in the checklist's own; without
 * `workshop`, for the next workshop.
 */
export const POST = endpoint(async (app, context) => {
	const person = await authorize(app, context, 'runbook.work');
	const body = await readJson(context.request, startRun);
	if (!body.scenario && !(body.checklist && isRunbook(app, body.checklist))) await authorize(app, context, 'run.work');
	const run = await app.service.startRun(body, person.name);
	return json({ run }, 201, { location: `/api/runs/${run.id}` });
});
