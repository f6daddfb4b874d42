/**
 * Who may do what, in one place (issue 14). A reader who is not signed in is a viewer; a signed-in
 * person carries one or more roles. Every mutating endpoint names the action it performs, and
 * `authorization` says which roles may perform it.
 */

export const roles = ['facilitator', 'on-call', 'approver'] as const;
export type Role = (typeof roles)[number];

/** What each role is for, as SECURITY.md and the CLI's messages say it. */
export const roleDuties: Record<Role, string> = {
	facilitator: 'runs checklists: starts runs, runs checks, ticks items, records fields, opens the workshop, answers help requests',
	'on-call': 'handles incidents: declares and updates them, runs and ticks incident runbooks',
	approver: 'decides go / no-go and signs runs off',
};

/** Names no person may take: the handbook writes them itself into the record. */
export const reservedNames = ['system', 'anonymous', 'scenario'] as const;

/** How a person signed in: an invite link, the team's identity provider, the break-glass token, or the CLI. */
export type SignInSource = 'invite' | 'oidc' | 'break-glass' | 'cli';

/** A named person: a stable subject (never shown), a display name (unique), the roles they hold. */
export interface Person {
	subject: string;
	name: string;
	roles: Role[];
	via: SignInSource;
}

/** The actions of the mutating endpoints (and the staff-only reads), by what they change. */
export const authorization = {
	/** POST /api/runs (a checklist), and POST /api/runs/:id/checks/:check, items/:item in it. */
	'run.work': ['facilitator'],
	/** The same, in a run of an incident runbook page (or a rehearsal of one). */
	'runbook.work': ['facilitator', 'on-call'],
	/** POST /api/runs/:id/decision. */
	'run.decide': ['approver'],
	/** POST /api/runs/:id/sign-off. */
	'run.sign-off': ['approver'],
	/** POST /api/workshops/:month/open, close. */
	'workshop.manage': ['facilitator'],
	/** POST /api/help/:id (claim, resolve). */
	'help.act': ['facilitator'],
	/** POST /api/incidents, /api/incidents/:id/updates, resolve. */
	'incident.manage': ['facilitator', 'on-call'],
	/** The staff reads: a workshop's board, its help requests, incidents, summary. */
	'staff.read': ['facilitator', 'on-call', 'approver'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof authorization;

/** True when the person holds a role the action allows. */
export function may(person: Pick<Person, 'roles'> | null, action: Action): boolean {
	const allowed: readonly Role[] = authorization[action];
	return person !== null && person.roles.some((r) => allowed.includes(r));
}

/** Why a person may not perform an action, in words for a 403 answer. */
export function refusalFor(person: Person, action: Action): string {
	const allowed: readonly Role[] = authorization[action];
	const held = person.roles.length ? `you (${person.name}) are signed in as ${person.roles.join(' and ')}` : `you (${person.name}) are signed in without a role (a viewer)`;
	return `${actionWords[action]} needs the ${allowed.join(' or ')} role; ${held}. Ask whoever runs the handbook for an invite with that role.`;
}

const actionWords: Record<Action, string> = {
	'run.work': 'working a checklist run (start, run checks, tick, record fields)',
	'runbook.work': 'working an incident runbook run',
	'run.decide': 'recording the go / no-go decision',
	'run.sign-off': 'signing a run off',
	'workshop.manage': 'opening or closing the workshop',
	'help.act': 'claiming or resolving a help request',
	'incident.manage': 'declaring or updating an incident',
	'staff.read': 'reading the workshop board',
};

/**
 * Checks a display name a person is to be known by: trimmed, 1..80 characters, no control
 * characters, not one the handbook reserves. Returns the trimmed name or throws saying why.
 */
export function checkPersonName(raw: string): string {
	const name = raw.trim().replace(/\s+/g, ' ');
	if (!name) throw new Error('a person needs a name, e.g. "Ana Ruiz"');
	if (name.length > 80) throw new Error(`a name has at most 80 characters, not ${name.length}`);
	if (/[\u0000-\u001f\u007f]/.test(name)) throw new Error('a name cannot contain control characters');
	if (/\(break-glass\)$/i.test(name)) throw new Error('"(break-glass)" is added by the handbook to break-glass sign-ins; leave it out');
	if ((reservedNames as readonly string[]).includes(name.toLowerCase())) throw new Error(`"${name}" is reserved: the handbook records its own actions under ${reservedNames.map((n) => `"${n}"`).join(', ')}; choose the person's own name`);
	return name;
}

/** Parses a role given on a command line or in a config, or throws naming the valid ones. */
export function parseRole(raw: string): Role {
	if ((roles as readonly string[]).includes(raw)) return raw as Role;
	throw new Error(`unknown role "${raw}": a role is one of ${roles.join(', ')}`);
}

/** What GET /api/runs/:id adds to a run: who approved its sign-off so far, and how many must. */
export interface ApprovalState {
	approvals: { name: string; at: string }[];
	approversNeeded: number;
}
