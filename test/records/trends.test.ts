import type { Element } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { trendChart } from '../../src/records/chart.ts';
import { validateRetro, type RetroInput } from '../../src/records/retro.ts';
import { buildTrends, previousRetro, type RetroEntry } from '../../src/records/trends.ts';

const entry = (id: string, retro: RetroInput): RetroEntry => ({ id: `records/retros/${id}`, retro: validateRetro(retro, id) });

const oct = entry('2026-10', {
	workshop: '2026-10',
	date: '2026-10-06',
	metrics: { failureRatePercent: 3.1, routingErrors: 0, satisfaction: 4.2, averageStartMinutes: 1.8 },
	actions: [
		{ title: 'Bigger node disks', owner: 'Platform', due: '2026-10-30', horizon: 'next-workshop', status: 'done' },
		{ title: 'Sync the mirror', owner: 'Platform', due: '2026-10-30', horizon: 'this-quarter' },
	],
});
const nov = entry('2026-11', { workshop: '2026-11', date: '2026-11-03', metrics: { failureRatePercent: 1.2, routingErrors: 2, satisfaction: null, averageStartMinutes: 2.4 }, targets: { averageStartMinutes: 3 } });
const dec = entry('2026-12', { workshop: '2026-12', date: '2026-12-01', metrics: { failureRatePercent: 1.5, satisfaction: 4.6 }, actions: [{ title: 'Pre-pull images', horizon: 'next-workshop' }] });
const example = entry('example-2026-09', { workshop: '2026-09', example: true, metrics: { failureRatePercent: 9 } });

/** Elements with a class, in document order. */
function byClass(tree: ReturnType<typeof fromHtml>, name: string): Element[] {
	const found: Element[] = [];
	visit(tree, 'element', (el: Element) => {
		if (((el.properties.className as string[] | undefined) ?? []).includes(name)) found.push(el);
	});
	return found;
}

const series = (entries: RetroEntry[], id: string) => buildTrends(entries).series.find((s) => s.metric.id === id)!;

describe('buildTrends', () => {
	it('orders workshops, judges each against the target it had, and flags regressions', () => {
		const failure = series([dec, oct, nov], 'failureRatePercent');
		expect(failure.points.map((p) => [p.workshop, p.value, p.meetsTarget, p.regressed])).toEqual([
			['2026-10', 3.1, false, false],
			['2026-11', 1.2, true, false],
			['2026-12', 1.5, true, true],
		]);
		const start = series([oct, nov], 'averageStartMinutes').points.at(-1)!;
		// November raised its own target to 3 minutes: 2.4 meets it, but it is still worse than 1.8.
		expect(start).toMatchObject({ target: { op: '<', value: 3 }, meetsTarget: true, regressed: true, previous: 1.8 });
	});

	it('keeps a missing value missing, and compares the next one with the last known', () => {
		const satisfaction = series([oct, nov, dec], 'satisfaction');
		expect(satisfaction.points.map((p) => p.value)).toEqual([4.2, null, 4.6]);
		expect(satisfaction.points[1]).toMatchObject({ meetsTarget: null, regressed: false });
		expect(satisfaction.points[2]).toMatchObject({ previous: 4.2, regressed: false });
	});

	it('carries open actions, overdue once their date is before the latest workshop', () => {
		const { openActions } = buildTrends([oct, nov, dec]);
		expect(openActions.map((a) => [a.workshop, a.title, a.overdue])).toEqual([
			['2026-10', 'Sync the mirror', true],
			['2026-12', 'Pre-pull images', false],
		]);
	});

	it('shows the examples only while no real retrospective exists', () => {
		expect(buildTrends([example]).examplesOnly).toBe(true);
		const real = buildTrends([example, oct]);
		expect(real.examplesOnly).toBe(false);
		expect(real.workshops.map((w) => w.workshop)).toEqual(['2026-10']);
		expect(previousRetro([example, oct, nov], nov.retro)?.retro.workshop).toBe('2026-10');
		expect(previousRetro([example, oct], oct.retro)).toBeNull();
	});
});

describe('trendChart', () => {
	it('draws one point per workshop, missing values included, with the target and the regressions', () => {
		const svg = fromHtml(trendChart(series([oct, nov, dec], 'satisfaction'), { id: 'satisfaction' }), { fragment: true });
		const points = byClass(svg, 'hb-trend__point');
		expect(points.map((p) => [p.properties.dataWorkshop, p.properties.dataState])).toEqual([
			['2026-10', 'miss'],
			['2026-11', 'missing'],
			['2026-12', 'ok'],
		]);
		expect(byClass(svg, 'hb-trend__target')).toHaveLength(1);
		expect(byClass(svg, 'hb-trend')[0]!.properties).toMatchObject({ role: 'img', ariaLabelledBy: ['satisfaction-title', 'satisfaction-desc'] });
		const regressed = fromHtml(trendChart(series([oct, nov, dec], 'failureRatePercent'), { id: 'f' }), { fragment: true });
		expect(byClass(regressed, 'hb-trend__point').filter((p) => p.properties.dataRegressed !== undefined).map((p) => p.properties.dataWorkshop)).toEqual(['2026-12']);
		expect(byClass(regressed, 'hb-trend__regressed')).toHaveLength(1);
	});
});
