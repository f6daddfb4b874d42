import { describe, expect, it } from 'vitest';
import { dutyHint, mayDo } from '../../src/client/run-roles.ts';

const as = (...roles: string[]) => ({ facilitator: true, name: 'Someone', roles });
const anonymous = { facilitator: false, name: null, roles: [] };
const checklist = { runbook: false };
const runbook = { runbook: true };

describe('what the run page offers each role (issue 14)', () => {
	it('gives working a checklist to facilitators, a runbook to on-call too, and deciding to approvers', () => {
		expect(mayDo(as('facilitator'), 'work', checklist)).toBe(true);
		expect(mayDo(as('on-call'), 'work', checklist)).toBe(false);
		expect(mayDo(as('on-call'), 'work', runbook)).toBe(true);
		expect(mayDo(as('approver'), 'work', runbook)).toBe(false);
		expect(mayDo(as('approver'), 'decide', checklist)).toBe(true);
		expect(mayDo(as('facilitator', 'on-call'), 'decide', checklist)).toBe(false);
		expect(mayDo(anonymous, 'work', checklist)).toBe(false);
		// Break-glass holds every role.
		expect(mayDo(as('facilitator', 'on-call', 'approver'), 'decide', checklist)).toBe(true);
	});

	it('says which role a duty needs and which the reader holds, or asks them to sign in', () => {
		expect(dutyHint(as('approver'), 'work', checklist)).toBe('Changing the run needs a facilitator; you are signed in as approver');
		expect(dutyHint(as('facilitator'), 'decide', checklist)).toBe('The go / no-go and the sign-off need an approver; you are signed in as facilitator');
		expect(dutyHint(as(), 'work', runbook)).toBe('Changing the run needs a facilitator or on-call; you are signed in as no role');
		expect(dutyHint(anonymous, 'decide', checklist)).toBe('Sign in as an approver to decide and sign off');
		expect(dutyHint(as('on-call'), 'work', runbook)).toBe('');
	});
});
