import type { CadenceConfig } from '../checks/config.ts';
import type { ChecklistPage } from '../checklists/registry.ts';
import { upcomingWorkshops } from '../records/cadence.ts';

/**
 * The environment a checklist page runs in by default (`checklist.environment` in its
 * frontmatter, e.g. the launch pipeline's), else undefined: the config's default environment.
 */
export function checklistEnvironment(checklist: Pick<ChecklistPage, 'meta'>): string | undefined {
	return checklist.meta.checklist?.environment;
}

/** Whether a checklist page is a gate (`checklist.gate: true`): only a gate has a go / no-go. */
export function checklistGate(checklist: Pick<ChecklistPage, 'meta'>): boolean {
	return checklist.meta.checklist?.gate === true;
}

/**
 * The workshop a new run is for: the next one by the cadence that has not ended yet, the same
 * dates as the calendar (on T-2 of December's workshop, December's).
 *
 * @example
 * nextWorkshop(new Date('2026-11-29T09:00Z'), cadence) // → '2026-12' (first Tuesday: 1 December)
 */
export function nextWorkshop(now: Date, cadence: CadenceConfig): string {
	return upcomingWorkshops(now, 2, cadence).find((slot) => slot.end.getTime() > now.getTime())!.workshop;
}
