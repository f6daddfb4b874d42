import { personOf } from '../../server/authorize.ts';
import { endpoint, json } from '../../server/http.ts';
import { may } from '../../server/roles.ts';

export const prerender = false;

/**
 * The check catalogue: what each check is, where it runs and which runbook it opens. Never
 * parameters, URLs or commands: those stay on the server.
 */
export const GET = endpoint((app, context) => {
	// Who may run facilitator checks in some run (facilitators; on-call in runbook runs): an approver may not.
	const worker = may(personOf(app, context), 'runbook.work');
	const checks = [...app.engine.handbook.checks.values()].map((c) => ({
		id: c.id,
		title: c.title,
		kind: c.kind,
		access: c.access,
		perRegion: c.perRegion,
		environments: [...app.engine.handbook.environments.values()].filter((e) => app.engine.appliesTo(c, e)).map((e) => e.id),
		timeoutMs: c.timeoutMs,
		maxAgeMinutes: c.maxAgeMinutes,
		runbook: c.runbook,
		canRun: worker || c.access === 'public',
	}));
	const environments = [...app.engine.handbook.environments.values()].map((e) => ({ id: e.id, title: e.title, regions: e.regions.map((r) => ({ name: r.name, title: r.title })) }));
	return json({ defaultEnvironment: app.engine.handbook.defaultEnvironment, environments, checks });
});
