import type { Element } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toText } from 'hast-util-to-text';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { metrics } from '../../src/records/metrics.ts';
import { builtPage } from '../support/site.ts';

function elements(html: string, match: (el: Element) => boolean): Element[] {
	const found: Element[] = [];
	visit(fromHtml(html), 'element', (el: Element) => {
		if (match(el)) found.push(el);
	});
	return found;
}
const hasClass = (name: string) => (el: Element) => ((el.properties.className as string[] | undefined) ?? []).includes(name);

describe('the trends page (built)', () => {
	const html = builtPage('records/trends');
	const charts = elements(html, (el) => el.tagName === 'svg' && hasClass('hb-trend')(el));

	it('draws one chart per metric, each with one point per workshop', () => {
		expect(charts.map((c) => c.properties.dataMetric)).toEqual(metrics.map((m) => m.id));
		for (const chart of charts) {
			const points: Element[] = [];
			visit(chart, 'element', (el: Element) => {
				if (hasClass('hb-trend__point')(el)) points.push(el);
			});
			expect(points.map((p) => p.properties.dataWorkshop), String(chart.properties.dataMetric)).toEqual(['2026-10', '2026-11']);
		}
	});

	it('gives each chart a data table for screen readers and flags regressions', () => {
		const tables = elements(html, (el) => el.tagName === 'table' && hasClass('sr-only')(el));
		expect(tables).toHaveLength(metrics.length);
		const routing = tables.find((t) => toText(t).startsWith('Routing errors'))!;
		expect(toText(routing)).toMatch(/2026-11\s*2\s*0\s*misses target, regressed from 0/);
		// The example's CPU value is left to fill: a cross, not a zero.
		const cpu = charts.find((c) => c.properties.dataMetric === 'peakCpuPercent')!;
		expect(JSON.stringify(cpu)).toContain('"dataState":"missing"');
	});

	it('says the data are examples and carries the open action items', () => {
		const text = toText(fromHtml(html));
		expect(text).toContain('Example data');
		const actions = elements(html, (el) => el.tagName === 'h2' && el.properties.id === 'open-action-items');
		expect(actions).toHaveLength(1);
		expect(text).toContain('Sync the ECR mirror automatically after every GHCR release');
		expect(text).not.toContain('Give the workspace NodePool nodes with larger ephemeral storage');
	});
});

describe('a retrospective page (built)', () => {
	it('shows the example notice, the metrics against targets with last month, and what is to fill', () => {
		const html = builtPage('records/retros/example-2026-11');
		const text = toText(fromHtml(html));
		expect(text).toContain('Example retrospective');
		const rows = elements(html, (el) => el.tagName === 'tr' && el.properties.dataMetric !== undefined);
		expect(rows).toHaveLength(metrics.length);
		const failure = toText(rows.find((r) => r.properties.dataMetric === 'failureRatePercent')!);
		expect(failure.replace(/\s+/g, ' ')).toMatch(/Workspace failure rate under 2% 1\.2% 3\.1% better/);
		const cpu = toText(rows.find((r) => r.properties.dataMetric === 'peakCpuPercent')!);
		expect(cpu).toContain('to fill');
	});
});

describe('the capacity planner (built)', () => {
	it('is rendered with the worked example, readable without JavaScript', () => {
		const html = builtPage('planning/capacity');
		const out = (name: string) => toText(elements(html, (el) => el.properties.dataOut === name)[0]!);
		expect(out('provisioners')).toBe('8');
		expect(out('litellm')).toBe('4');
		expect(out('cpu')).toBe('60 vCPU');
		expect(out('memory')).toBe('120 GiB');
		expect(out('recommended')).toBe('8 nodes');
	});
});
