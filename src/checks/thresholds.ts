import { parseExpression, type Expr } from './expression.ts';
import type { Status } from './types.ts';

/** The parts of a check the thresholds come from: its ordered outcome rules. */
export interface ThresholdSource {
	id: string;
	outcomes: ReadonlyArray<{ status: Status; when?: string; message: string }>;
}

type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** One number an outcome rule compares an observed value with: `fail when maxUsedPercent >= 60`. */
export interface Threshold {
	/** The status the rule gives. */
	status: Status;
	/** The observed value compared, as written in the rule (`maxUsedPercent`, `daysLeft`). */
	variable: string;
	/** The comparison with the observed value on the left. */
	op: Op;
	value: number;
	/** The unit the check's messages print after the value ("%", "days", "s"…), null when none do. */
	unit: string | null;
	/** Index of the rule in `outcomes`. */
	rule: number;
}

const flipped: Record<Op, Op> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };
const unitPattern = '(%|ms|s|h|minutes?|seconds?|hours?|days?)(?![\\w])';

/** The unit printed after `{variable}` in any of the check's messages. */
function unitOf(source: ThresholdSource, variable: string): string | null {
	const pattern = new RegExp(`\\{${variable.replace(/[.$]/g, '\\$&')}\\}\\s?${unitPattern}`);
	for (const rule of source.outcomes) {
		const m = rule.message.match(pattern);
		if (m) return m[1]!;
	}
	return null;
}

/**
 * Every comparison of an observed value with a fixed number in a parsed condition, in order.
 *
 * @example
 * comparisonsIn(parseExpression('maxUsedPercent >= 60')) // → [{ variable: 'maxUsedPercent', op: '>=', value: 60 }]
 */
export function comparisonsIn(expr: Expr): Array<{ variable: string; op: Op; value: number }> {
	const out: Array<{ variable: string; op: Op; value: number }> = [];
	compares(expr, out);
	return out;
}

function compares(expr: Expr, out: Array<{ variable: string; op: Op; value: number }>): void {
	switch (expr.type) {
		case 'not':
			compares(expr.operand, out);
			return;
		case 'logical':
			compares(expr.left, out);
			compares(expr.right, out);
			return;
		case 'compare': {
			if (expr.op === 'in') return;
			const { left, right } = expr;
			if (left.type === 'path' && right.type === 'literal' && typeof right.value === 'number') out.push({ variable: left.path.join('.'), op: expr.op, value: right.value });
			else if (right.type === 'path' && left.type === 'literal' && typeof left.value === 'number') out.push({ variable: right.path.join('.'), op: flipped[expr.op], value: left.value });
			return;
		}
		default:
	}
}

/**
 * Every fixed number a check's outcome rules compare an observed value with, in rule order, with
 * the unit its messages print: what a page may state about the check, and what the numbers lint
 * compares a page's numbers with. Comparisons between two observed values (`online < required`)
 * hold no fixed number and are left out.
 *
 * @example
 * thresholdsOf({ id: 'x', outcomes: [{ status: 'fail', when: 'daysLeft < 7', message: 'in {daysLeft} days' }, { status: 'pass', message: 'ok' }] })
 * // → [{ status: 'fail', variable: 'daysLeft', op: '<', value: 7, unit: 'days', rule: 0 }]
 */
export function thresholdsOf(source: ThresholdSource): Threshold[] {
	const out: Threshold[] = [];
	source.outcomes.forEach((rule, index) => {
		if (!rule.when) return;
		for (const f of comparisonsIn(parseExpression(rule.when))) out.push({ ...f, status: rule.status, unit: unitOf(source, f.variable), rule: index });
	});
	return out;
}

/**
 * The one threshold of a check for a status (and variable, when the check compares several):
 * what a page renders with <Threshold>. Throws, naming the check, when there is none or more
 * than one, so a page cannot silently show the wrong number.
 *
 * @example
 * thresholdOf(storageCheck, 'fail') // → { status: 'fail', variable: 'maxUsedPercent', op: '>=', value: 60, unit: '%', rule: 0 }
 */
export function thresholdOf(source: ThresholdSource, status: Status, variable?: string): Threshold {
	const all = thresholdsOf(source).filter((t) => t.status === status && (variable === undefined || t.variable === variable));
	const variables = [...new Set(all.map((t) => t.variable))];
	if (all.length === 0) throw new Error(`check "${source.id}" has no ${status} rule comparing ${variable ?? 'an observed value'} with a number`);
	if (all.length > 1) throw new Error(`check "${source.id}" has ${all.length} ${status} thresholds (${all.map((t) => `${t.variable} ${t.op} ${t.value}`).join(', ')}): name the variable${variables.length > 1 ? ` (one of ${variables.join(', ')})` : ''}`);
	return all[0]!;
}

const phrases: Record<Op, string> = { '<': 'under', '<=': 'at most', '>': 'over', '>=': 'at or above', '==': 'exactly', '!=': 'other than' };

/**
 * A threshold as a page says it: "60%", "7 days", or with `phrase`, "at or above 60%".
 *
 * @example
 * formatThreshold({ op: '>=', value: 60, unit: '%' }, { phrase: true }) // → 'at or above 60%'
 */
export function formatThreshold(t: Pick<Threshold, 'op' | 'value' | 'unit'>, options: { phrase?: boolean } = {}): string {
	const amount = t.unit === null ? String(t.value) : t.unit === '%' ? `${t.value}%` : `${t.value} ${t.unit}`;
	return options.phrase ? `${phrases[t.op]} ${amount}` : amount;
}

/**
 * The text a `<Threshold>` shows, for item texts read from a page's source (boards, blockers, the
 * CLI): the same value the component renders, from the same rules. Other components show nothing.
 *
 * @example
 * thresholdText(config.checks)('Threshold', { check: 'node-ephemeral-storage', status: 'fail' }) // → '60%'
 */
export function thresholdText(checks: Iterable<ThresholdSource>): (name: string, attributes: Record<string, string>) => string | null {
	const byId = new Map([...checks].map((c) => [c.id, c]));
	return (name, a) => {
		const source = name === 'Threshold' && a.check ? byId.get(a.check) : undefined;
		if (!source) return null;
		try {
			return formatThreshold(thresholdOf(source, (a.status ?? 'fail') as Status, a.variable), { phrase: a.phrase === 'true' });
		} catch {
			return null;
		}
	};
}
