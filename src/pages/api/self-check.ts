import { endpoint, json } from '../../server/http.ts';
import { selfCheckTargets } from '../../server/self-check-targets.ts';

export const prerender = false;

/** What the participants' browser self-checks need (see selfCheckTargets), for the default environment. */
export const GET = endpoint(async (app) => json(selfCheckTargets(app.engine.environment(undefined))));
