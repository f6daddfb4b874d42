import { workshopCalendar } from '../records/calendar.ts';
import { siteUrl } from '../server/client.ts';
import { endpoint } from '../server/http.ts';
import { RequestError } from '../server/request-error.ts';

// On demand, not prerendered: a subscribed calendar must roll forward month by month and follow
// the cadence in handbook.config.ts without a rebuild of the site.
export const prerender = false;

/**
 * The monthly workshops and their T-7 … T+2 milestones as iCalendar, for a calendar
 * subscription. `?months=N` (1–36, default 6). Links are built from the configured site URL
 * (HANDBOOK_SITE_URL), never from the request's Host header, which a client chooses; the
 * answer may be kept by the subscriber, not by shared caches.
 */
export const GET = endpoint((app, context) => {
	const raw = context.url.searchParams.get('months') ?? '6';
	const months = Number(raw);
	if (!Number.isInteger(months) || months < 1 || months > 36) throw new RequestError(400, `months is a whole number from 1 to 36, not "${raw}"`);
	const ics = workshopCalendar({ cadence: app.engine.handbook.cadence, months, site: siteUrl().origin });
	return new Response(ics, {
		headers: {
			'content-type': 'text/calendar; charset=utf-8',
			'content-disposition': 'inline; filename="workshops.ics"',
			'cache-control': 'private, max-age=3600',
		},
	});
});
