import { minutesBetween, severities, type FeedbackResponse, type HelpRequest, type Incident, type Severity } from '../store/workshop-store.ts';

/**
 * The numbers a workshop's loop produced: feedback averages, incidents by severity with their
 * durations, help requests with their resolution times. Pure: the summary endpoint, the live
 * board and `handbook retro new` all call it, so the page and the retrospective agree.
 */
export interface WorkshopSummary {
	workshop: string;
	feedback: {
		responses: number;
		/** Average overall satisfaction (1-5, one decimal), null without responses. */
		satisfaction: number | null;
		subScores: { stability: number | null; content: number | null; support: number | null };
		/** Respondents who finished the exercise, in percent of the responses (null without any). */
		completion: number | null;
		completed: number;
	};
	incidents: {
		total: number;
		open: number;
		bySeverity: Record<Severity, number>;
		userVisible: number;
		durations: Array<{ id: string; severity: Severity; title: string; minutes: number | null }>;
		/** The longest resolved incident, in minutes. */
		longestMinutes: number | null;
	};
	help: {
		requests: number;
		open: number;
		resolved: number;
		/** Median and 90th percentile of created → resolved, in minutes (one decimal). */
		medianMinutes: number | null;
		p90Minutes: number | null;
	};
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function average(values: Array<number | null>): number | null {
	const known = values.filter((v): v is number => v !== null);
	return known.length ? round1(known.reduce((a, b) => a + b, 0) / known.length) : null;
}

/**
 * The nearest-rank percentile of a list (null when empty).
 *
 * @example
 * percentile([1, 2, 3, 4], 50) // → 2
 */
export function percentile(values: readonly number[], p: number): number | null {
	if (!values.length) return null;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Minutes from a help request to its resolution; null while it is not resolved. */
export const helpMinutes = (h: HelpRequest) => (h.resolvedAt ? minutesBetween(h.createdAt, h.resolvedAt) : null);

/**
 * Summarises one workshop's loop.
 *
 * @example
 * summarizeWorkshop('2026-12', feedback, incidents, help).help.medianMinutes // → 6.5
 */
export function summarizeWorkshop(workshop: string, feedback: readonly FeedbackResponse[], incidents: readonly Incident[], help: readonly HelpRequest[]): WorkshopSummary {
	const completed = feedback.filter((f) => f.completed).length;
	const bySeverity = Object.fromEntries(severities.map((s) => [s, incidents.filter((i) => i.severity === s).length])) as Record<Severity, number>;
	const resolvedDurations = incidents.map((i) => i.durationMinutes).filter((m): m is number => m !== null);
	const helpTimes = help.map(helpMinutes).filter((m): m is number => m !== null);
	const median = percentile(helpTimes, 50);
	const p90 = percentile(helpTimes, 90);
	return {
		workshop,
		feedback: {
			responses: feedback.length,
			satisfaction: average(feedback.map((f) => f.satisfaction)),
			subScores: {
				stability: average(feedback.map((f) => f.subScores.stability)),
				content: average(feedback.map((f) => f.subScores.content)),
				support: average(feedback.map((f) => f.subScores.support)),
			},
			completion: feedback.length ? round1((completed / feedback.length) * 100) : null,
			completed,
		},
		incidents: {
			total: incidents.length,
			open: incidents.filter((i) => !i.resolvedAt).length,
			bySeverity,
			userVisible: incidents.filter((i) => i.userVisible).length,
			durations: incidents.map((i) => ({ id: i.id, severity: i.severity, title: i.title, minutes: i.durationMinutes })),
			longestMinutes: resolvedDurations.length ? Math.max(...resolvedDurations) : null,
		},
		help: {
			requests: help.length,
			open: help.filter((h) => !h.resolvedAt).length,
			resolved: helpTimes.length,
			medianMinutes: median === null ? null : round1(median),
			p90Minutes: p90 === null ? null : round1(p90),
		},
	};
}
