import { meetsTarget, metrics, type MetricDef, type MetricId, type TargetOp } from './metrics.ts';
import type { Retro, RetroAction } from './retro.ts';

/**
 * Month-over-month view of the retrospectives: one series per metric across workshops, each
 * point against the target that month had, regressions (a move in the bad direction since the
 * previous known value) flagged, and the action items still open. Pure: the trends page and the
 * retrospective pages call it at build time.
 */

/** A retrospective as the collection gives it: its page id and its data. */
export interface RetroEntry {
	id: string;
	retro: Retro;
}

export interface TrendPoint {
	workshop: string;
	/** Page of the retrospective, e.g. "/records/retros/2026-12/". */
	href: string;
	value: number | null;
	target: { op: TargetOp; value: number } | null;
	/** null when the value or the target is unknown. */
	meetsTarget: boolean | null;
	/** Worse than the previous known value. */
	regressed: boolean;
	/** The previous known value, for "last month" columns. */
	previous: number | null;
}

export interface TrendSeries {
	metric: MetricDef;
	points: TrendPoint[];
}

export interface OpenAction extends RetroAction {
	workshop: string;
	href: string;
	/** Due before the latest workshop's date: it should have been done by now. */
	overdue: boolean;
}

export interface Trends {
	/** The workshops shown, oldest first. */
	workshops: Array<{ workshop: string; href: string; example: boolean; date: string | null; status: Retro['status'] }>;
	/** True when only the shipped examples exist (they are left out as soon as a real one does). */
	examplesOnly: boolean;
	series: TrendSeries[];
	openActions: OpenAction[];
}

/** The page of a docs entry id ("records/retros/2026-12" → "/records/retros/2026-12/"). */
export const pageHref = (id: string) => `/${id.replace(/(^|\/)index$/, '')}/`.replace(/\/+/g, '/');

/** The target a metric had in a workshop: the retrospective's override, else the default. */
export function targetFor(def: MetricDef, retro: Retro): { op: TargetOp; value: number } | null {
	if (!def.target) return null;
	const override = (retro.targets as Partial<Record<MetricId, number>>)[def.id];
	return { op: def.target.op, value: override ?? def.target.value };
}

/**
 * The retrospectives that count, oldest first: the real ones, or, while there is none yet, the
 * shipped examples. Two pages for one workshop keep the later id (a re-scaffolded page).
 */
export function selectRetros(entries: readonly RetroEntry[]): { entries: RetroEntry[]; examplesOnly: boolean } {
	const real = entries.filter((e) => !e.retro.example);
	const chosen = real.length ? real : entries.filter((e) => e.retro.example);
	const byWorkshop = new Map<string, RetroEntry>();
	for (const e of [...chosen].sort((a, b) => a.id.localeCompare(b.id))) byWorkshop.set(e.retro.workshop, e);
	return { entries: [...byWorkshop.values()].sort((a, b) => a.retro.workshop.localeCompare(b.retro.workshop)), examplesOnly: !real.length && chosen.length > 0 };
}

/**
 * How a value moved since the previous one, in the metric's own direction; null when either is unknown.
 *
 * @example
 * movement(failureRate, 1.5, 1.2) // → 'worse'
 */
export function movement(def: Pick<MetricDef, 'better'>, value: number | null, previous: number | null): 'better' | 'same' | 'worse' | null {
	if (value === null || previous === null) return null;
	if (value === previous) return 'same';
	return (def.better === 'lower' ? value < previous : value > previous) ? 'better' : 'worse';
}

/**
 * Series, regressions and open actions of a set of retrospectives.
 *
 * @example
 * buildTrends(entries).series.find((s) => s.metric.id === 'failureRatePercent')!.points
 * // → [{ workshop: '2026-10', value: 3.1, meetsTarget: false, regressed: false, … }, { workshop: '2026-11', value: 1.2, … }]
 */
export function buildTrends(all: readonly RetroEntry[]): Trends {
	const { entries, examplesOnly } = selectRetros(all);
	const series = metrics.map((def) => {
		let previous: number | null = null;
		const points = entries.map((e) => {
			const value = e.retro.metrics[def.id] ?? null;
			const target = targetFor(def, e.retro);
			const point: TrendPoint = {
				workshop: e.retro.workshop,
				href: pageHref(e.id),
				value,
				target,
				meetsTarget: meetsTarget(value, target ?? undefined),
				regressed: movement(def, value, previous) === 'worse',
				previous,
			};
			if (value !== null) previous = value;
			return point;
		});
		return { metric: def, points };
	});
	const latestDate = entries.at(-1)?.retro.date ?? null;
	const openActions = entries.flatMap((e) =>
		e.retro.actions
			.filter((a) => a.status === 'open')
			.map((a) => ({ ...a, workshop: e.retro.workshop, href: pageHref(e.id), overdue: a.due !== null && latestDate !== null && a.due < latestDate })),
	);
	return {
		workshops: entries.map((e) => ({ workshop: e.retro.workshop, href: pageHref(e.id), example: e.retro.example, date: e.retro.date, status: e.retro.status })),
		examplesOnly,
		series,
		openActions,
	};
}

/** The retrospective before a workshop among the same kind (real or example), for "last month". */
export function previousRetro(all: readonly RetroEntry[], current: Retro): RetroEntry | null {
	const same = all.filter((e) => e.retro.example === current.example && e.retro.workshop < current.workshop);
	return same.sort((a, b) => a.retro.workshop.localeCompare(b.retro.workshop)).at(-1) ?? null;
}
