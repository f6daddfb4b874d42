import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cadenceSchema } from '../../src/checks/config.ts';
import { upcomingWorkshops, workshopDay, zonedTime } from '../../src/records/cadence.ts';
import { workshopCalendar } from '../../src/records/calendar.ts';
import { handbook } from '../support/cli.ts';
import { startServer, type RunningServer } from '../support/server.ts';

interface Event {
	uid: string;
	summary: string;
	start: string;
	allDay: boolean;
	end: string | null;
	url: string;
	description: string;
}

/** Parses iCalendar text with ical.js (throws on anything that is not valid iCalendar). */
function events(ics: string): Event[] {
	const calendar = new ICAL.Component(ICAL.parse(ics));
	expect(calendar.name).toBe('vcalendar');
	expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
	return calendar.getAllSubcomponents('vevent').map((c) => {
		const e = new ICAL.Event(c);
		return {
			uid: e.uid,
			summary: e.summary,
			start: e.startDate.isDate ? e.startDate.toString() : e.startDate.toJSDate().toISOString(),
			allDay: e.startDate.isDate,
			end: e.endDate && !e.startDate.isDate ? e.endDate.toJSDate().toISOString() : null,
			url: String(c.getFirstPropertyValue('url')),
			description: e.description,
		};
	});
}

const cadence = cadenceSchema.parse({ timezone: 'Europe/London' });

describe('the cadence', () => {
	it('finds the workshop day of a month by its rule', () => {
		expect(workshopDay('2026-12', 'first tuesday')).toBe('2026-12-01');
		expect(workshopDay('2027-01', 'first tuesday')).toBe('2027-01-05');
		expect(workshopDay('2027-02', 'second wednesday')).toBe('2027-02-10');
		expect(workshopDay('2026-12', 'last friday')).toBe('2026-12-25');
	});

	it('places the start time in the time zone, across daylight saving', () => {
		expect(zonedTime('2026-12-01', '16:00', 'Europe/London').toISOString()).toBe('2026-12-01T16:00:00.000Z');
		expect(zonedTime('2027-07-06', '16:00', 'Europe/London').toISOString()).toBe('2027-07-06T15:00:00.000Z');
		expect(zonedTime('2026-12-01', '10:00', 'America/Chicago').toISOString()).toBe('2026-12-01T16:00:00.000Z');
	});

	it('lists consecutive months from the one a date falls in', () => {
		expect(upcomingWorkshops(new Date('2026-11-22T12:00:00Z'), 3, cadence).map((w) => [w.workshop, w.day])).toEqual([
			['2026-11', '2026-11-03'],
			['2026-12', '2026-12-01'],
			['2027-01', '2027-01-05'],
		]);
	});
});

describe('workshopCalendar', () => {
	const ics = workshopCalendar({ cadence, from: new Date('2026-12-10T00:00:00Z'), months: 2, site: 'https://handbook.ai.coder.com' });

	it('is valid iCalendar with CRLF line ends', () => {
		expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
		expect(() => events(ics)).not.toThrow();
	});

	it('has each workshop in its window and its T-7, T-3, T-2, T-1 and T+2 milestones, linking to their pages', () => {
		const december = events(ics).filter((e) => e.uid.startsWith('2026-12-'));
		expect(december.map((e) => [e.uid, e.start, e.allDay, e.url])).toEqual([
			['2026-12-T-7@handbook.ai.coder.com', '2026-11-24', true, 'https://handbook.ai.coder.com/facilitators/cadence/#scheduling-a-workshop'],
			['2026-12-T-3@handbook.ai.coder.com', '2026-11-28', true, 'https://handbook.ai.coder.com/facilitators/guide/#timeline'],
			['2026-12-T-2@handbook.ai.coder.com', '2026-11-29', true, 'https://handbook.ai.coder.com/checklists/pre-workshop/'],
			['2026-12-T-1@handbook.ai.coder.com', '2026-11-30', true, 'https://handbook.ai.coder.com/checklists/t-minus-1/'],
			['2026-12-day@handbook.ai.coder.com', '2026-12-01T16:00:00.000Z', false, 'https://handbook.ai.coder.com/checklists/workshop-day/'],
			['2026-12-T+2@handbook.ai.coder.com', '2026-12-03', true, 'https://handbook.ai.coder.com/records/retrospective-template/'],
		]);
		const day = december.find((e) => e.uid.startsWith('2026-12-day'))!;
		expect(day.end).toBe('2026-12-01T17:30:00.000Z');
		expect(day.summary).toBe('Stress-test workshop 2026-12');
		expect(december.find((e) => e.uid.startsWith('2026-12-T-2'))!.summary).toBe('T-2: validation checklist and capacity planning (2026-12 workshop)');
		expect(december.find((e) => e.uid.startsWith('2026-12-T+2'))!.description).toContain('npx handbook retro new');
		expect(events(ics).filter((e) => e.uid.startsWith('2027-01-day'))[0]!.start).toBe('2027-01-05T16:00:00.000Z');
	});
});

describe('npx handbook calendar', () => {
	it('prints the configured cadence as iCalendar for --months months', async () => {
		const { code, stdout } = await handbook(['calendar', '--months', '3', '--from', '2026-12']);
		expect(code).toBe(0);
		const all = events(stdout);
		expect(all).toHaveLength(3 * 6);
		expect(all.filter((e) => !e.allDay).map((e) => e.start)).toEqual(['2026-12-01T16:00:00.000Z', '2027-01-05T16:00:00.000Z', '2027-02-02T16:00:00.000Z']);
		expect(new Set(all.map((e) => e.uid.split('@')[0]!.slice(8)))).toEqual(new Set(['T-7', 'T-3', 'T-2', 'T-1', 'day', 'T+2']));
	});

	it('exits 2 on a bad --months', async () => {
		const err = await handbook(['calendar', '--months', '0']);
		expect(err.code).toBe(2);
		expect(err.stderr).toContain('--months is a whole number from 1 to 36');
	});
});

describe('GET /calendar.ics', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({ HANDBOOK_FACILITATOR_TOKEN: 'calendar-test-token', HANDBOOK_SITE_URL: 'https://handbook.example.test' });
	});
	afterAll(async () => server?.stop());

	it('serves the calendar on demand, with links to the configured site (never the Host header)', async () => {
		const res = await fetch(`${server.url}/calendar.ics?months=2`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
		const all = events(await res.text());
		expect(all).toHaveLength(12);
		expect(all.every((e) => e.url.startsWith('https://handbook.example.test/'))).toBe(true);
		expect((await fetch(`${server.url}/calendar.ics?months=99`)).status).toBe(400);
	});
});
