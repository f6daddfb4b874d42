import { formatValue, targetText } from './metrics.ts';
import type { TrendSeries } from './trends.ts';

/**
 * A trend as an inline SVG line chart, rendered at build time (no script): one point per
 * workshop, the target as a dashed line, shapes as well as colours for the state of each point
 * (circle: meets the target or has none; square: misses it; cross: value missing; a triangle
 * above a point: regressed since the previous workshop).
 */

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f = (n: number) => String(Math.round(n * 10) / 10);

/** Round numbers for the y axis: 0 … a "nice" maximum at or above `max`. */
function ticks(max: number, whole: boolean): number[] {
	if (max <= 0) return [0, 1];
	const raw = max / 4;
	const mag = 10 ** Math.floor(Math.log10(raw));
	// Counts get whole-number steps: "0.5 incidents" is not a thing.
	const step = Math.max(whole ? 1 : 0, (whole ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10]).map((m) => m * mag).find((s) => s >= raw)!);
	const out: number[] = [];
	for (let v = 0; v < max + step * 0.999; v += step) out.push(Math.round(v * 1e6) / 1e6);
	return out;
}

export interface ChartOptions {
	/** Unique on the page: ids of the title and description. */
	id: string;
	width?: number;
	height?: number;
}

/**
 * The SVG of one metric's trend.
 *
 * @example
 * trendChart(series, { id: 'failure-rate' }) // → '<svg class="hb-trend" … ><g class="hb-trend__point" data-workshop="2026-10" …'
 */
export function trendChart(series: TrendSeries, options: ChartOptions): string {
	const { metric, points } = series;
	const width = options.width ?? 360;
	const height = options.height ?? 180;
	const pad = { left: 36, right: 10, top: 12, bottom: 30 };
	// Keep the first and last points (and their labels) clear of the plot's edges.
	const inset = 28;
	const plotW = width - pad.left - pad.right;
	const plotH = height - pad.top - pad.bottom;
	const known = points.map((p) => p.value).filter((v): v is number => v !== null);
	const targets = points.map((p) => p.target?.value).filter((v): v is number => v !== undefined);
	const cap = metric.kind === 'percent' ? 100 : metric.kind === 'score' ? 5 : Number.POSITIVE_INFINITY;
	const top = Math.min(cap, Math.max(1, ...known, ...targets) * 1.15);
	const axis = ticks(top, metric.kind === 'count');
	const yMax = axis.at(-1)!;
	const x = (i: number) => pad.left + (points.length === 1 ? plotW / 2 : inset + ((plotW - 2 * inset) * i) / (points.length - 1));
	const y = (v: number) => pad.top + plotH - (plotH * v) / yMax;
	const baseline = pad.top + plotH;

	const parts: string[] = [];
	const latest = [...points].reverse().find((p) => p.value !== null);
	const target = metric.target ? targetText(metric, points.at(-1)?.target?.value) : '';
	const summary = `${metric.label} across ${points.length} workshop${points.length === 1 ? '' : 's'}${target ? `, target ${target}` : ''}. ${
		latest ? `Latest known: ${formatValue(metric, latest.value!)} (${latest.workshop}).` : 'No values recorded yet.'
	} ${points.filter((p) => p.value === null).length} missing, ${points.filter((p) => p.meetsTarget === false).length} missing the target, ${points.filter((p) => p.regressed).length} regressed.`;
	parts.push(`<title id="${esc(options.id)}-title">${esc(metric.label)}</title><desc id="${esc(options.id)}-desc">${esc(summary)}</desc>`);

	// Axis and grid.
	for (const t of axis) {
		parts.push(`<line class="hb-trend__grid" x1="${pad.left}" x2="${width - pad.right}" y1="${f(y(t))}" y2="${f(y(t))}" />`);
		parts.push(`<text class="hb-trend__tick" x="${pad.left - 6}" y="${f(y(t) + 4)}" text-anchor="end">${esc(f(t))}</text>`);
	}
	points.forEach((p, i) => parts.push(`<text class="hb-trend__label" x="${f(x(i))}" y="${height - 12}" text-anchor="middle">${esc(p.workshop)}</text>`));

	// Target: a dashed step line through each workshop's target.
	if (points.some((p) => p.target)) {
		const half = points.length === 1 ? plotW / 2 : (plotW - 2 * inset) / (points.length - 1) / 2;
		// The first and last steps reach the plot's edges.
		const edge = (i: number, side: -1 | 1) => (i === 0 && side < 0 ? pad.left : i === points.length - 1 && side > 0 ? width - pad.right : x(i) + side * half);
		const segs = points.map((p, i) => (p.target ? `M${f(edge(i, -1))} ${f(y(p.target.value))}H${f(edge(i, 1))}` : '')).join('');
		parts.push(`<path class="hb-trend__target" d="${segs}" />`);
	}

	// The line through known values; a missing value breaks it.
	let d = '';
	let pen = false;
	points.forEach((p, i) => {
		if (p.value === null) pen = false;
		else {
			d += `${pen ? 'L' : 'M'}${f(x(i))} ${f(y(p.value))}`;
			pen = true;
		}
	});
	if (d) parts.push(`<path class="hb-trend__line" d="${d}" />`);

	// One point per workshop, whatever its state.
	points.forEach((p, i) => {
		const cx = x(i);
		const state = p.value === null ? 'missing' : p.meetsTarget === false ? 'miss' : 'ok';
		const label = `${p.workshop}: ${p.value === null ? 'missing (to fill)' : formatValue(metric, p.value)}${p.target ? `, target ${targetText(metric, p.target.value)}` : ''}${p.meetsTarget === false ? ', misses the target' : ''}${p.regressed ? `, regressed from ${formatValue(metric, p.previous!)}` : ''}`;
		let shape: string;
		if (p.value === null) shape = `<path class="hb-trend__mark" d="M${f(cx - 5)} ${f(baseline - 11)}l10 10m0 -10l-10 10" />`;
		else if (state === 'miss') shape = `<rect class="hb-trend__mark" x="${f(cx - 5)}" y="${f(y(p.value) - 5)}" width="10" height="10" />`;
		else shape = `<circle class="hb-trend__mark" cx="${f(cx)}" cy="${f(y(p.value))}" r="5" />`;
		const flag = p.regressed && p.value !== null ? `<path class="hb-trend__regressed" d="M${f(cx - 5)} ${f(y(p.value) - 16)}h10l-5 8z" />` : '';
		parts.push(`<g class="hb-trend__point" data-workshop="${esc(p.workshop)}" data-state="${state}"${p.regressed ? ' data-regressed=""' : ''}><title>${esc(label)}</title>${shape}${flag}</g>`);
	});

	return `<svg class="hb-trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${esc(options.id)}-title ${esc(options.id)}-desc" data-metric="${esc(metric.id)}">${parts.join('')}</svg>`;
}
