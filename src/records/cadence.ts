import type { CadenceConfig } from '../checks/config.ts';

/**
 * The monthly cadence as dates: which day a month's workshop falls on, its window, and the
 * timeline around it (T-7 … T+2). Pure and time-zone aware without a date library: the calendar,
 * the retrospective scaffold and the pages read the same dates.
 */

/** A calendar day, "YYYY-MM-DD". */
export type Day = string;

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4 };

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-12" → { year: 2026, month: 12 }; throws on anything else. */
export function parseMonth(key: string): { year: number; month: number } {
	const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
	if (!m) throw new RangeError(`"${key}" is not a month key such as "2026-12"`);
	return { year: Number(m[1]), month: Number(m[2]) };
}

/** The month key of a year and month, "2026-12". */
export function monthKey(year: number, month: number): string {
	const d = new Date(Date.UTC(year, month - 1, 1));
	return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
}

/** A day shifted by whole days: addDays('2026-12-01', -7) → '2026-11-24'. */
export function addDays(day: Day, days: number): Day {
	const d = new Date(`${day}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

/**
 * The workshop day of a month under the cadence rule.
 *
 * @example
 * workshopDay('2026-12', 'first tuesday') // → '2026-12-01'
 * workshopDay('2026-12', 'last friday')   // → '2026-12-25'
 */
export function workshopDay(month: string, rule: string): Day {
	const { year, month: m } = parseMonth(month);
	const [which, weekday] = rule.trim().toLowerCase().split(/\s+/);
	const dow = WEEKDAYS.indexOf(weekday ?? '');
	if (dow < 0 || !(which === 'last' || which! in ORDINALS)) throw new RangeError(`"${rule}" is not a cadence rule such as "first tuesday"`);
	if (which === 'last') {
		const last = new Date(Date.UTC(year, m, 0));
		last.setUTCDate(last.getUTCDate() - ((last.getUTCDay() - dow + 7) % 7));
		return last.toISOString().slice(0, 10);
	}
	const first = new Date(Date.UTC(year, m - 1, 1));
	const day = 1 + ((dow - first.getUTCDay() + 7) % 7) + 7 * (ORDINALS[which!]! - 1);
	return `${year}-${pad(m)}-${pad(day)}`;
}

/** Offset of a time zone from UTC at an instant, in minutes (Europe/London in July → 60). */
function zoneOffsetMinutes(at: Date, timeZone: string): number {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
			.formatToParts(at)
			.map((p) => [p.type, p.value]),
	);
	const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
	return Math.round((asUtc - at.getTime()) / 60_000);
}

/**
 * The instant a wall-clock time on a day has in a time zone.
 *
 * @example
 * zonedTime('2026-07-07', '16:00', 'Europe/London').toISOString() // → '2026-07-07T15:00:00.000Z'
 */
export function zonedTime(day: Day, time: string, timeZone: string): Date {
	const guess = new Date(`${day}T${time}:00Z`);
	// Two passes settle the offset across a DST change between the guess and the answer.
	let at = new Date(guess.getTime() - zoneOffsetMinutes(guess, timeZone) * 60_000);
	at = new Date(guess.getTime() - zoneOffsetMinutes(at, timeZone) * 60_000);
	return at;
}

/** The day an instant falls on in a time zone. */
export function dayIn(at: Date, timeZone: string): Day {
	return new Date(at.getTime() + zoneOffsetMinutes(at, timeZone) * 60_000).toISOString().slice(0, 10);
}

export interface WorkshopSlot {
	/** Month key, e.g. "2026-12": the workshop id runs and retrospectives use. */
	workshop: string;
	day: Day;
	start: Date;
	end: Date;
}

/** A month's workshop under the cadence: its day and its window. */
export function workshopSlot(month: string, cadence: CadenceConfig): WorkshopSlot {
	const day = workshopDay(month, cadence.rule);
	const start = zonedTime(day, cadence.time, cadence.timezone);
	return { workshop: month, day, start, end: new Date(start.getTime() + cadence.durationMinutes * 60_000) };
}

export interface Milestone {
	/** "T-7", "T-3", "T-2", "T-1", "day", "T+2". */
	key: string;
	/** Days from the workshop day. */
	offset: number;
	title: string;
	description: string;
	/** The handbook page for this step (a site path). */
	path: string;
}

/** The timeline of one workshop (shared/domain.md), each step with the page that carries it. */
export const timeline: readonly Milestone[] = [
	{ key: 'T-7', offset: -7, title: 'schedule, registration and announcement', description: 'Set the date, open the registration form, send the announcement and plan the reminders.', path: '/facilitators/cadence/#scheduling-a-workshop' },
	{ key: 'T-3', offset: -3, title: 'agenda, materials and dashboard ready', description: 'Share the agenda and materials, test the content in an isolated environment, finish the facilitator guide, set up the live dashboard.', path: '/facilitators/guide/#timeline' },
	{ key: 'T-2', offset: -2, title: 'validation checklist and capacity planning', description: 'Run the pre-workshop validation checklist to a signed go / no-go, and plan capacity from the registration count (/planning/capacity/).', path: '/checklists/pre-workshop/' },
	{ key: 'T-1', offset: -1, title: 'scaling, quotas, key rotation paused', description: 'Scale provisioners and LiteLLM, check cloud quotas, pause key rotation over the window, request any DNS change.', path: '/checklists/t-minus-1/' },
	{ key: 'day', offset: 0, title: 'workshop', description: 'Introduction, onboarding, hands-on, feedback; the team watches the workshop-day board.', path: '/checklists/workshop-day/' },
	{ key: 'T+2', offset: 2, title: 'retrospective', description: 'Export the metrics, collect the feedback, hold the retrospective (npx handbook retro new <month>), file issues, thank the participants.', path: '/records/retrospective-template/' },
];

/**
 * The workshops of `months` consecutive months starting with the month `from` falls in.
 *
 * @example
 * upcomingWorkshops(new Date('2026-11-22'), 2, cadence).map((w) => w.day) // → ['2026-11-03', '2026-12-01']
 */
export function upcomingWorkshops(from: Date, months: number, cadence: CadenceConfig): WorkshopSlot[] {
	const first = dayIn(from, cadence.timezone);
	const year = Number(first.slice(0, 4));
	const month = Number(first.slice(5, 7));
	return Array.from({ length: months }, (_, i) => workshopSlot(monthKey(year, month + i), cadence));
}
