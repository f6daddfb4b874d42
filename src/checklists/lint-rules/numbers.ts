import { readFileSync } from 'node:fs';
import { thresholdsOf, type Threshold, type ThresholdSource } from '../../checks/thresholds.ts';
import type { ChecklistItem } from '../extract.ts';
import type { Finding } from '../lint.ts';

/** The rule, as the lint lists it (registered in lint.ts's `rules`). */
export const numbersRule = {
	id: 'CK011',
	name: 'threshold-number',
	severity: 'error',
	description:
		"A number a page states about a bound check (in the item's text, or in a table row naming the check) agrees with the check's outcome rules in handbook.config.ts; better, the page renders it with <Threshold check=… />.",
} as const;

/** A number with its unit in a sentence, reduced to a dimension and a value in that dimension's base unit. */
interface Quantity {
	text: string;
	dimension: 'percent' | 'time';
	value: number;
	index: number;
}

const seconds: Record<string, number> = { ms: 0.001, s: 1, sec: 1, second: 1, seconds: 1, min: 60, minute: 60, minutes: 60, h: 3600, hour: 3600, hours: 3600, day: 86400, days: 86400 };

/** A unit as the checks' messages or a page write it → its dimension and factor. */
function unitOf(unit: string): { dimension: Quantity['dimension']; factor: number } | null {
	const u = unit.toLowerCase();
	if (u === '%' || u === 'percent') return { dimension: 'percent', factor: 1 };
	return u in seconds ? { dimension: 'time', factor: seconds[u]! } : null;
}

const quantityPattern = /(?<![\w.-])(\d+(?:\.\d+)?)\s?(%|percent\b|ms\b|s\b|secs?\b|seconds?\b|min\b|minutes?\b|h\b|hours?\b|days?\b)/gi;

/**
 * The quantities a sentence states: "60%", "15 seconds", "2 min", "7 days".
 *
 * @example
 * quantities('under 15 seconds, or 90 %') // → [{ text: '15 seconds', dimension: 'time', value: 15, … }, { text: '90 %', dimension: 'percent', value: 90, … }]
 */
export function quantities(text: string): Quantity[] {
	const out: Quantity[] = [];
	for (const m of text.matchAll(quantityPattern)) {
		const unit = unitOf(m[2]!);
		if (unit) out.push({ text: m[0], dimension: unit.dimension, value: Number(m[1]) * unit.factor, index: m.index });
	}
	return out;
}

/** A check's thresholds that carry a unit, by dimension, in base units. */
function measured(source: ThresholdSource): Array<Threshold & { dimension: Quantity['dimension']; base: number }> {
	return thresholdsOf(source).flatMap((t) => {
		const unit = t.unit === null ? null : unitOf(t.unit);
		return unit ? [{ ...t, dimension: unit.dimension, base: t.value * unit.factor }] : [];
	});
}

const phrase: Record<string, string> = { '<': 'under', '<=': 'at most', '>': 'over', '>=': 'at or above', '==': 'at', '!=': 'other than' };
const describe = (ts: ReadonlyArray<Threshold>) => ts.map((t) => `${t.status} ${phrase[t.op]} ${t.unit === '%' ? `${t.value}%` : `${t.value} ${t.unit}`}`).join(', ');

const thresholdHeader = /threshold|warn|fail|amber|\bred\b|limit|level|alert/i;

/** The cells of a GFM table row (escaped pipes kept inside their cell). */
function cellsOf(row: string): string[] {
	return row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim());
}

/** What the rule reads of a page: its source (for tables) and its checklist items (for bound items). */
export interface NumbersPage {
	file: string;
	source: string;
	items: readonly Pick<ChecklistItem, 'line' | 'column' | 'text' | 'checkId'>[];
}

/**
 * CK011: every number with a unit that a page states about a bound check (in the bound item's
 * text, or in a table row that names the check's id) must be one of the numbers the check's
 * outcome rules compare with, in the same dimension (percent, or time in any unit). Numbers in
 * a dimension the check does not judge (a query's 30-minute window beside a percentage rule) are
 * not its business. Pure: the page and the checks in, findings out.
 *
 * @example
 * lintNumbers({ file: 'p.mdx', source, items: [{ line: 3, column: 1, text: 'Node storage under 90%', checkId: 'node-ephemeral-storage' }] }, checks)
 * // → [{ file: 'p.mdx', line: 3, rule: 'CK011', message: 'the page says 90% for node-ephemeral-storage, but the check's rules say fail at or above 60%, warn at or above 50% …' }]
 */
export function lintNumbers(page: NumbersPage, checks: ReadonlyMap<string, ThresholdSource>): Finding[] {
	const findings: Finding[] = [];
	const judge = (checkId: string, text: string, line: number, column: number, where: string) => {
		const check = checks.get(checkId);
		if (!check) return;
		const rules = measured(check);
		for (const q of quantities(text)) {
			const same = rules.filter((t) => t.dimension === q.dimension);
			if (same.length === 0 || same.some((t) => Math.abs(t.base - q.value) < 1e-9)) continue;
			findings.push({
				file: page.file,
				line,
				column,
				rule: numbersRule.id,
				severity: numbersRule.severity,
				message: `the page says ${q.text} ${where} ${checkId}, but the check's rules say ${describe(same)}: render the number with <Threshold check="${checkId}" status="${same[0]!.status}" />, or fix the page or handbook.config.ts`,
			});
		}
	};
	for (const item of page.items) if (item.checkId) judge(item.checkId, item.text, item.line, item.column, 'in the item bound to');
	// Threshold tables: rows that name a check by id, in the columns whose header speaks of
	// thresholds ("Default threshold", "Amber (watch)", "Red (act)", "fails when").
	let fence: string | null = null;
	let header: string[] | null = null;
	page.source.split(/\r?\n/).forEach((text, i) => {
		const open = text.match(/^\s*(`{3,}|~{3,})/);
		if (open) fence = fence === null ? open[1]! : text.trim().startsWith(fence) ? null : fence;
		if (fence !== null || !/^\s*\|/.test(text)) {
			header = null;
			return;
		}
		if (/^\s*\|[\s|:-]+\|?\s*$/.test(text)) return;
		const cells = cellsOf(text);
		if (header === null) {
			header = cells;
			return;
		}
		const columns = header.flatMap((h, c) => (thresholdHeader.test(h) ? [c] : []));
		if (columns.length === 0) return;
		for (const id of checks.keys()) {
			if (!cells.some((cell) => new RegExp(`(?<![\\w-])${id}(?![\\w-])`).test(cell))) continue;
			for (const c of columns) judge(id, (cells[c] ?? '').replaceAll(id, ''), i + 1, text.indexOf(cells[c] ?? '') + 1, 'in the threshold table, about');
		}
	});
	return findings;
}

/**
 * CK011 over linted files, with the config's checks: what `handbook checklists lint` adds to its
 * findings. Reads each page's source again (tables are matched by line, no second parse).
 */
export function lintNumbersInFiles(results: ReadonlyArray<{ rel: string; checklist: { items: readonly ChecklistItem[] } | null }>, checks: Iterable<ThresholdSource>, root = process.cwd()): Finding[] {
	const byId = new Map([...checks].map((c) => [c.id, c]));
	return results.flatMap((r) => (r.checklist ? lintNumbers({ file: r.rel, source: readFileSync(`${root}/${r.rel}`, 'utf8'), items: r.checklist.items }, byId) : []));
}

/** The checks of the config in use (as the lint loaded it: same file, same validation). */
export async function configChecks(explicit?: string): Promise<ThresholdSource[]> {
	const [{ kinds }, { loadConfig }] = await Promise.all([import('../../checks/kinds/index.ts'), import('../../checks/load-config.ts')]);
	return [...(await loadConfig(kinds, explicit)).checks.values()];
}
