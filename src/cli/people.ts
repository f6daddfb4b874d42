import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { App } from '../server/app.ts';
import { siteUrl } from '../server/client.ts';
import { checkPersonName, parseRole, roleDuties } from '../server/roles.ts';
import { NameTakenError } from '../store/people-store.ts';
import { UsageError } from './usage-error.ts';

/** The name the CLI's actions are recorded under: HANDBOOK_ACTOR, else the OS user. */
export function cliActorName(env: NodeJS.ProcessEnv = process.env): string {
	let raw = env.HANDBOOK_ACTOR;
	if (!raw?.trim()) {
		try {
			raw = userInfo().username;
		} catch {
			throw new UsageError('cannot tell who runs the CLI: set HANDBOOK_ACTOR to your name, e.g. HANDBOOK_ACTOR="Ana Ruiz"');
		}
	}
	try {
		return checkPersonName(raw);
	} catch (err) {
		throw new UsageError(`${env.HANDBOOK_ACTOR?.trim() ? 'HANDBOOK_ACTOR' : 'the OS user name'}: ${(err as Error).message}; set HANDBOOK_ACTOR to your name`);
	}
}

/**
 * The person the CLI acts as: the known person of that name (an invited "Ana Ruiz" running the
 * CLI as HANDBOOK_ACTOR="Ana Ruiz"), else a CLI person of its own, so the audit log has a subject.
 */
export async function cliActor(app: App, env: NodeJS.ProcessEnv = process.env): Promise<string> {
	const name = cliActorName(env);
	const known = await app.auth.people.byName(name);
	if (known) return known.name;
	return (await app.auth.people.remember({ subject: `cli:${name.toLowerCase()}`, name, roles: [], via: 'cli' }, name)).name;
}

/** `7d`, `12h`, `30m` → milliseconds, between 5 minutes and 90 days; else a UsageError. */
export function parseExpiry(raw: string): number {
	const m = /^(\d+)([dhm])$/.exec(raw.trim());
	if (!m) throw new UsageError(`--expires is a number of days, hours or minutes such as 7d, 12h or 30m, not "${raw}"`);
	const ms = Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
	if (ms < 5 * 60_000 || ms > 90 * 86_400_000) throw new UsageError(`--expires must be between 5m and 90d, not "${raw}"`);
	return ms;
}

/**
 * `handbook invite <name> --role facilitator|on-call|approver [--expires 7d]`: prints a one-time
 * sign-in link that signs that person in with that role. Names are unique: inviting a name again
 * gives that same person a new link (and the role, if new). Exit 2 for a reserved name, a name
 * held by someone who signs in another way, or a bad option.
 */
export async function invite(app: App, argv: string[], out: (s: string) => void, now = new Date()): Promise<number> {
	const { values, positionals } = parseArgs({ args: argv, options: { role: { type: 'string' }, expires: { type: 'string', default: '7d' } }, allowPositionals: true });
	if (positionals.length !== 1) throw new UsageError('name one person, in quotes if the name has spaces: handbook invite "Ana Ruiz" --role approver');
	if (!values.role) throw new UsageError(`--role is required: one of ${Object.keys(roleDuties).join(', ')}`);
	let role;
	let name;
	try {
		role = parseRole(values.role);
		name = checkPersonName(positionals[0]!);
	} catch (err) {
		throw new UsageError((err as Error).message);
	}
	const expiresAt = new Date(now.getTime() + parseExpiry(values.expires!));
	let invited;
	try {
		invited = await app.auth.people.invite(name, role, { expiresAt, by: await cliActor(app) });
	} catch (err) {
		if (err instanceof NameTakenError) throw new UsageError(err.message);
		throw err;
	}
	app.engine.redactor.add(invited.token);
	const link = new URL('/api/session', siteUrl());
	link.searchParams.set('token', invited.token);
	out(`${invited.person.name} is invited as ${invited.person.roles.join(' and ')} (${invited.person.roles.map((r) => roleDuties[r]).join('; ')}).`);
	out(`Send them this sign-in link; it works once, until ${invited.expiresAt}:`);
	out('');
	// Printed raw on purpose: this line is how the person signs in.
	out(`  ${link.href}`);
	return 0;
}
