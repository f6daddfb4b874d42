/**
 * What `handbook retro new` reads from the stored runs, by checklist: the `<Field>` names whose
 * values it takes and the checks whose observed values it takes. The scaffold reads only these
 * names (typed), and lint CK013 (lint-rules/retro-sources.ts) reports a checklist page that no
 * longer has one, so renaming a field on a page cannot silently empty a retrospective.
 */
export const retroSources = {
	'pre-workshop': { fields: ['blockers'], checks: [] },
	't-minus-1': { fields: ['scribe'], checks: [] },
	'workshop-day': {
		fields: ['attendance', 'peak-concurrent-workspaces', 'average-concurrent-workspaces', 'peak-storage', 'peak-cpu', 'peak-memory', 'manual-interventions', 'doors-opened-at', 'session-ended-at', 'incidents-summary'],
		checks: ['concurrent-workspaces', 'node-ephemeral-storage'],
	},
} as const satisfies Record<string, { fields: readonly string[]; checks: readonly string[] }>;

export type RetroSourceChecklist = keyof typeof retroSources;
/** A field name `handbook retro new` reads from a checklist's runs. */
export type RetroField<C extends RetroSourceChecklist = RetroSourceChecklist> = (typeof retroSources)[C]['fields'][number];
/** A check whose observed values `handbook retro new` reads from a checklist's runs. */
export type RetroCheck<C extends RetroSourceChecklist = RetroSourceChecklist> = (typeof retroSources)[C]['checks'][number];
