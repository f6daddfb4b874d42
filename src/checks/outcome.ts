import { evaluate, lookup, parseExpression, UnparsableValueError, type Expr } from './expression.ts';
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
}

/** Parses every rule's condition; throws with the rule index on a syntax error. */
export function compileRules(rules: readonly OutcomeRule[]): CompiledRule[] {
	return rules.map((rule) => ({ ...rule, condition: rule.when === undefined ? undefined : parseExpression(rule.when) }));
}

function formatValue(v: unknown): string {
	if (v === null || v === undefined) return 'none';
	if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 10) / 10);
	if (Array.isArray(v)) return v.map(formatValue).join(', ');
	if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}: ${formatValue(x)}`).join(', ');
	return String(v);
}

/**
 * Fills `{path}` placeholders of a message with observed values; numbers are rounded to one
 * decimal, lists joined with commas, absent values shown as "none".
 *
 * @example
 * renderMessage('expires in {daysLeft} days', { daysLeft: 6.24 }) // → 'expires in 6.2 days'
 */
export function renderMessage(template: string, values: Observed): string {
	return template.replace(/\{([\w$.-]+)\}/g, (_, path: string) => formatValue(lookup(values, path.split('.'))));
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
		return { status: rule.status, message: renderMessage(rule.message, observed) };
	}
	return { status: 'error', message: 'no outcome rule matched (the config requires a catch-all rule last)' };
}
