import { catalogue, mayRun } from '../../checks/catalogue.ts';
import { personOf } from '../../server/authorize.ts';
import { endpoint, json } from '../../server/http.ts';
import { may } from '../../server/roles.ts';

export const prerender = false;

/**
 * The check catalogue: what each check is, where it runs, whether the reader may run it. Never
 * parameters, URLs or commands: those stay on the server.
 */
export const GET = endpoint(async (app, context) => {
	// Who may run facilitator checks in some run (facilitators; on-call in runbook runs): an approver may not.
	const worker = may(await personOf(app, context), 'runbook.work');
	const checks = catalogue(app.engine.handbook).map((c) => ({ ...c, canRun: mayRun(c, { worker }) }));
	const environments = [...app.engine.handbook.environments.values()].map((e) => ({ id: e.id, title: e.title, regions: e.regions.map((r) => ({ name: r.name, title: r.title })) }));
	return json({ defaultEnvironment: app.engine.handbook.defaultEnvironment, environments, checks });
});
