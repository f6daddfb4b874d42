import { evaluate, lookup, parseExpression, UnparsableValueError, type Expr } from './expression.ts';
import { comparisonsIn } from './thresholds.ts';
import type { Observed, Status } from './types.ts';

/** One ordered outcome rule as written in the config; the last has no `when` (the catch-all). */
export interface OutcomeRule {
	status: Status;
	when?: string;
	message: string;
}

/** A rule with its condition parsed once, at config load. */
export interface CompiledRule extends OutcomeRule {
	condition?: Expr;
	/** The one number the condition compares an observed value with: `$threshold` in the message. */
	threshold?: number;
}

/** The name a message uses for its rule's threshold: `{nodes[percent >= $threshold].name}`. */
export const THRESHOLD = '$threshold';

/**
 * Parses every rule's condition; throws on a syntax error, or when a message uses `$threshold`
 * but its condition does not compare with exactly one number.
 */
export function compileRules(rules: readonly OutcomeRule[]): CompiledRule[] {
	return rules.map((rule) => {
		const condition = rule.when === undefined ? undefined : parseExpression(rule.when);
		const numbers = condition ? [...new Set(comparisonsIn(condition).map((c) => c.value))] : [];
		if (rule.message.includes(THRESHOLD) && numbers.length !== 1) {
			throw new Error(`the message "${rule.message}" uses ${THRESHOLD}, but the rule's condition compares with ${numbers.length ? `several numbers (${numbers.join(', ')})` : 'no number'}`);
		}
		return { ...rule, condition, threshold: numbers.length === 1 ? numbers[0] : undefined };
	});
}

function formatValue(v: unknown): string {
	if (v === null || v === undefined) return 'none';
	if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 10) / 10);
	if (Array.isArray(v)) return v.map(formatValue).join(', ');
	if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}: ${formatValue(x)}`).join(', ');
	return String(v);
}

const placeholder = /\{([\w$-]+(?:\.[\w$-]+)*)(?:\[([^\]{}]+)\])?((?:\.[\w$-]+)*)\}/g;

/** The items of a list the condition holds for (each item's fields beside `$threshold`), or undefined. */
function filtered(list: unknown, condition: string, values: Observed): unknown[] | undefined {
	if (!Array.isArray(list)) return undefined;
	const expr = parseExpression(condition);
	return list.filter((item) => {
		const scope: Record<string, unknown> = item !== null && typeof item === 'object' ? { ...(item as Record<string, unknown>) } : { value: item };
		if (THRESHOLD in values) scope[THRESHOLD] = values[THRESHOLD];
		try {
			return !!evaluate(expr, scope);
		} catch (err) {
			if (err instanceof UnparsableValueError) return false;
			throw err;
		}
	});
}

/**
 * Fills `{path}` placeholders of a message with observed values; numbers are rounded to one
 * decimal, lists joined with commas, absent values shown as "none". `{list[condition].field}`
 * keeps the items of a list the condition holds for and shows one field of each; the condition
 * may use `$threshold`, the number the rule compares with, so the list follows the config.
 *
 * @example
 * renderMessage('expires in {daysLeft} days', { daysLeft: 6.24 }) // → 'expires in 6.2 days'
 * renderMessage('{nodes[percent >= $threshold].name}', { nodes: [{ name: 'a', percent: 64 }, { name: 'b', percent: 42 }], $threshold: 60 }) // → 'a'
 */
export function renderMessage(template: string, values: Observed): string {
	return template.replace(placeholder, (_, path: string, condition: string | undefined, field: string) => {
		let value = lookup(values, path.split('.'));
		if (condition !== undefined) value = filtered(value, condition, values);
		if (field && Array.isArray(value)) {
			const keys = field.slice(1).split('.');
			value = value.map((item) => (item !== null && typeof item === 'object' ? lookup(item as Record<string, unknown>, keys) : undefined));
		} else if (field) {
			value = lookup(value as Record<string, unknown>, field.slice(1).split('.'));
		}
		if (condition !== undefined && Array.isArray(value) && value.length === 0) return 'none';
		return formatValue(value);
	});
}

/**
 * Evaluates ordered rules, first match wins. A value a rule needs as a number but that is not
 * one yields `error`, naming the value.
 */
export function evaluateOutcome(rules: readonly CompiledRule[], observed: Observed): { status: Status; message: string } {
	for (const rule of rules) {
		try {
			if (rule.condition && !evaluate(rule.condition, observed)) continue;
		} catch (err) {
			if (err instanceof UnparsableValueError) return { status: 'error', message: `cannot evaluate "${rule.when}": ${err.message}` };
			throw err;
		}
		const values = rule.threshold === undefined ? observed : { ...observed, [THRESHOLD]: rule.threshold };
		return { status: rule.status, message: renderMessage(rule.message, values) };
	}
	return { status: 'error', message: 'no outcome rule matched (the config requires a catch-all rule last)' };
}
