import { scriptedOutcome, type RehearsalEvent } from '../checklists/rehearsal.ts';
import type { Scenario } from '../checklists/scenario.ts';
import type { ProbeOverride } from '../checks/runner.ts';
import type { AuditEntry } from '../store/store.ts';
import type { Reader } from './visibility.ts';

/**
 * A rehearsal run's audit log as the after-action report reads it: every tick, field, check
 * result, decision and the sign-off, timed from the run's start (`start`, epoch ms). A field's
 * value and a decision's note only for facilitators.
 */
export function rehearsalEvents(entries: readonly AuditEntry[], start: number, reader: Reader): RehearsalEvent[] {
	const events: RehearsalEvent[] = [];
	for (const e of entries) {
		const at = Date.parse(e.at) - start;
		const detail = (e.detail ?? {}) as Record<string, unknown>;
		if (e.action === 'item.tick' || e.action === 'item.untick') events.push({ at, type: 'tick', itemId: e.target!, checked: e.action === 'item.tick', actor: e.actor });
		else if (e.action === 'field.set') events.push({ at, type: 'field', itemId: String(detail.item ?? e.target), name: e.target!, value: reader === 'facilitator' ? String(detail.value ?? '') : '(recorded; facilitators see the value)', actor: e.actor });
		else if (e.action === 'check.result') events.push({ at, type: 'check', checkId: e.target!, region: (detail.region as string | null) ?? null, status: detail.status as never, actor: e.actor });
		else if (e.action === 'run.decide') events.push({ at, type: 'decision', text: `${e.target}${detail.note && reader === 'facilitator' ? `: ${detail.note}` : ''}`, actor: e.actor });
		else if (e.action === 'run.sign-off') events.push({ at, type: 'end', actor: e.actor });
	}
	return events;
}

/**
 * The probe override of a rehearsal run started at `startedAt` (epoch ms): every check answers
 * its scripted outcome once the inject's time has passed, healthy before and when the scenario
 * does not script it; nothing real is probed.
 */
export function rehearsalOverride(scenario: Scenario, startedAt: number, now: () => Date): ProbeOverride {
	return (check, env, region) => {
		const at = now();
		const scripted = scriptedOutcome(scenario, check.id, region?.name ?? null, at.getTime() - startedAt);
		return {
			checkId: check.id,
			environment: env.id,
			region: region?.name ?? null,
			status: scripted?.status ?? 'pass',
			message: `rehearsal: ${scripted?.message ?? 'healthy (not part of this scenario)'}`,
			observed: { ...(scripted?.observed ?? {}), scripted: true },
			durationMs: 0,
			startedAt: at.toISOString(),
			finishedAt: at.toISOString(),
		};
	};
}
