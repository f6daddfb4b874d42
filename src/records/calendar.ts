import ical, { ICalCalendarMethod } from 'ical-generator';
import type { CadenceConfig } from '../checks/config.ts';
import { addDays, timeline, upcomingWorkshops } from './cadence.ts';

export interface CalendarOptions {
	cadence: CadenceConfig;
	/** The first month shown is the one this instant falls in (default now). */
	from?: Date;
	/** How many monthly workshops (default 6). */
	months?: number;
	/** The handbook's public URL, for the links to each step's page. */
	site: string;
}

/**
 * The monthly workshops as iCalendar (RFC 5545, written by ical-generator): each workshop as a
 * timed event in its window, and its T-7, T-3, T-2, T-1 and T+2 steps as all-day events linking
 * to the handbook page for the step. UIDs are stable ("2026-12-T-2@host"), so a subscribed
 * calendar updates events instead of duplicating them.
 *
 * @example
 * workshopCalendar({ cadence, months: 3, site: 'https://handbook.ai.coder.com' }) // → 'BEGIN:VCALENDAR…'
 */
export function workshopCalendar(options: CalendarOptions): string {
	const { cadence, site } = options;
	const base = new URL(site);
	const link = (path: string) => new URL(path, base).href;
	const calendar = ical({
		name: `${cadence.title}s (Workshop Handbook)`,
		description: `The monthly ${cadence.title.toLowerCase()}s and their timeline, from the Workshop Handbook.`,
		prodId: { company: 'Workshop Handbook', product: 'workshop-calendar', language: 'EN' },
		method: ICalCalendarMethod.PUBLISH,
		url: link('/facilitators/cadence/'),
		ttl: 60 * 60 * 24,
	});
	for (const slot of upcomingWorkshops(options.from ?? new Date(), options.months ?? 6, cadence)) {
		for (const step of timeline) {
			const url = link(step.path);
			const summary = step.key === 'day' ? `${cadence.title} ${slot.workshop}` : `${step.key}: ${step.title} (${slot.workshop} workshop)`;
			const description = `${step.description}\n\n${url}`;
			const uid = `${slot.workshop}-${step.key}@${base.host}`;
			if (step.key === 'day') {
				calendar.createEvent({ id: uid, start: slot.start, end: slot.end, summary, description, url, categories: [{ name: 'workshop' }] });
			} else {
				const day = addDays(slot.day, step.offset);
				calendar.createEvent({ id: uid, start: new Date(`${day}T00:00:00Z`), allDay: true, summary, description, url, categories: [{ name: 'workshop-timeline' }] });
			}
		}
	}
	return calendar.toString();
}
