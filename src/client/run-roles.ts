// What the reader's roles let them do on a run's page, and why not, for the run bar's controls.
// The server decides (src/server/roles.ts); this only keeps the page from offering what it refuses.
import type { Session } from './run-api.ts';

/** The two kinds of work on a run page: working the run (start, tick, record, run checks) and deciding (go / no-go, sign-off). */
export type Duty = 'work' | 'decide';

/**
 * Whether the session's roles cover a duty: working a run is the facilitator's, and on-call's too
 * on an incident runbook's page (the server's `run.work` / `runbook.work`); deciding is the approver's.
 *
 * @example
 * mayDo({ facilitator: true, name: 'Oni', roles: ['on-call'] }, 'work', { runbook: true }) // → true
 */
export function mayDo(session: Session, duty: Duty, page: { runbook: boolean }): boolean {
	const roles = session.roles ?? [];
	if (duty === 'decide') return roles.includes('approver');
	return roles.includes('facilitator') || (page.runbook && roles.includes('on-call'));
}

/**
 * Why the reader cannot do a duty, for a disabled control's title and the run bar: not signed in,
 * or signed in without the role. '' when they can.
 *
 * @example
 * dutyHint({ facilitator: true, name: 'Ana', roles: ['approver'] }, 'work', { runbook: false })
 * // → 'Changing the run needs a facilitator; you are signed in as approver'
 */
export function dutyHint(session: Session, duty: Duty, page: { runbook: boolean }): string {
	if (mayDo(session, duty, page)) return '';
	const needs = duty === 'work' ? (page.runbook ? 'a facilitator or on-call' : 'a facilitator') : 'an approver';
	if (!session.facilitator) return `Sign in as ${needs} to ${duty === 'work' ? 'change the run' : 'decide and sign off'}`;
	const held = session.roles?.length ? session.roles.join(' and ') : 'no role';
	return `${duty === 'work' ? 'Changing the run needs' : 'The go / no-go and the sign-off need'} ${needs}; you are signed in as ${held}`;
}
