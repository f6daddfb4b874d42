import { roles as allRoles, type Person } from '../server/roles.ts';

/**
 * The person of a break-glass sign-in (the shared HANDBOOK_FACILITATOR_TOKEN): every role, the
 * name typed, and a subject that says "break-glass" in every audit entry.
 */
export function breakGlassPerson(name: string): Person {
	return { subject: `break-glass:${name.toLowerCase()}`, name, roles: [...allRoles], via: 'break-glass' };
}
