import { appliesTo, type Handbook, type ResolvedCheck } from './load-config.ts';

/** One check as the catalogue shows it: what it is, where it runs, which runbook it opens. Never parameters, URLs or commands. */
export interface CatalogueEntry {
	id: string;
	title: string;
	kind: string;
	access: ResolvedCheck['access'];
	perRegion: boolean;
	/** The environments the check runs in. */
	environments: string[];
	timeoutMs: number;
	maxAgeMinutes: number;
	runbook: string;
}

/**
 * Whether a reader may run a check: a person whose role covers working the run (src/server/roles.ts)
 * any check, anyone else only the `public` ones. The one rule the catalogue's `canRun` and the
 * run endpoint both apply.
 *
 * @example
 * mayRun({ access: 'public' }, { worker: false }) // → true
 */
export function mayRun(check: Pick<ResolvedCheck, 'access'>, reader: { worker: boolean }): boolean {
	return reader.worker || check.access === 'public';
}

/**
 * The check catalogue of a handbook, in config order; with `environment`, only the checks that
 * run there. What the API's `/api/checks` and the CLI's `checks list` both show.
 *
 * @example
 * catalogue(handbook, 'local').map((c) => c.id)
 */
export function catalogue(handbook: Handbook, environment?: string): CatalogueEntry[] {
	const environments = [...handbook.environments.values()];
	const only = environment === undefined ? null : handbook.environments.get(environment);
	if (environment !== undefined && !only) throw new Error(`unknown environment "${environment}"; known: ${environments.map((e) => e.id).join(', ')}`);
	return [...handbook.checks.values()]
		.filter((c) => !only || appliesTo(c, only))
		.map((c) => ({
			id: c.id,
			title: c.title,
			kind: c.kind,
			access: c.access,
			perRegion: c.perRegion,
			environments: environments.filter((e) => appliesTo(c, e)).map((e) => e.id),
			timeoutMs: c.timeoutMs,
			maxAgeMinutes: c.maxAgeMinutes,
			runbook: c.runbook,
		}));
}
