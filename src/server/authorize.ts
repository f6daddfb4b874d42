import type { APIContext } from 'astro';
import { runbookChecklistId } from '../checklists/registry.ts';
import type { App } from './app.ts';
import { sessionCookie } from './auth.ts';
import { may, refusalFor, type Action, type Person } from './roles.ts';
import { RequestError } from './request-error.ts';
import type { Reader } from './visibility.ts';

/** The signed-in person of a request, or null for a viewer. */
export function personOf(app: App, context: APIContext): Promise<Person | null> {
	return app.auth.person(context.cookies.get(sessionCookie)?.value);
}

/**
 * What a request may read of runs (src/server/visibility.ts): everything for staff (a person holding
 * any role), statuses only for a viewer, signed in or not.
 */
export async function readerOf(app: App, context: APIContext): Promise<Reader> {
	return may(await personOf(app, context), 'staff.read') ? 'facilitator' : 'anonymous';
}

/**
 * The person allowed to perform `action` (the table in roles.ts), or an error: 401 for a viewer
 * (sign in first), 403 saying which role it needs and which roles the person holds.
 */
export async function authorize(app: App, context: APIContext, action: Action): Promise<Person> {
	const person = await personOf(app, context);
	if (!person) throw new RequestError(401, 'sign in first: open your invite link, use your identity provider, or sign in with the facilitator token');
	if (!may(person, action)) throw new RequestError(403, refusalFor(person, action));
	return person;
}

/** True when a checklist is an incident runbook page (which on-call may work) rather than a checklist. */
export function isRunbook(app: App, checklistId: string): boolean {
	return runbookChecklistId(app.service.checklist(checklistId).frontmatter) !== null;
}

/** The action of working a run (run checks, tick, record): a runbook's run is on-call's too. */
export async function runWork(app: App, runId: string): Promise<Action> {
	const run = await app.store.run(runId);
	return run.scenario || isRunbook(app, run.checklist) ? 'runbook.work' : 'run.work';
}

/** How many approvers a run's checklist asks for before it is signed off: `checklist.approvers` in its frontmatter, default 1. */
export function approversNeeded(app: App, checklistId: string): number {
	// Parsed with the content schema (src/checklists/frontmatter.ts): a whole number 1–5 when given.
	return app.service.checklist(checklistId).meta.checklist?.approvers ?? 1;
}
