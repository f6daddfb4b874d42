import { catalogue, mayRun } from '../../checks/catalogue.ts';
import { endpoint, facilitatorOf, json } from '../../server/http.ts';

export const prerender = false;

/**
 * The check catalogue: what each check is, where it runs and which runbook it opens. Never
 * parameters, URLs or commands: those stay on the server.
 */
export const GET = endpoint(async (app, context) => {
	const facilitator = await facilitatorOf(app, context) !== null;
	const checks = catalogue(app.engine.handbook).map((c) => ({ ...c, canRun: mayRun(c, { facilitator }) }));
	const environments = [...app.engine.handbook.environments.values()].map((e) => ({ id: e.id, title: e.title, regions: e.regions.map((r) => ({ name: r.name, title: r.title })) }));
	return json({ defaultEnvironment: app.engine.handbook.defaultEnvironment, environments, checks });
});
