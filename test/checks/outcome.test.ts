import { describe, expect, it } from 'vitest';
import { evaluate, ExpressionSyntaxError, parseExpression } from '../../src/checks/expression.ts';
import { compileRules, evaluateOutcome, renderMessage } from '../../src/checks/outcome.ts';

const ev = (src: string, values: Record<string, unknown> = {}) => evaluate(parseExpression(src), values);

describe('conditions', () => {
	it('compares numbers as floats, including numeric strings', () => {
		expect(ev('daysLeft < 7', { daysLeft: 6.999 })).toBe(true);
		expect(ev('daysLeft < 7', { daysLeft: '7.0' })).toBe(false);
		expect(ev('ratio >= 0.05', { ratio: 0.05 })).toBe(true);
		expect(ev('status == 200', { status: '200' })).toBe(true);
		expect(ev('x > -1.5e2', { x: -100 })).toBe(true);
	});

	it('handles strings, lists, booleans, null and dotted paths', () => {
		expect(ev('json.status in ["healthy", "connected"]', { json: { status: 'connected' } })).toBe(true);
		expect(ev('body != "OK"', { body: 'OK' })).toBe(false);
		expect(ev('error != null', { error: null })).toBe(false);
		expect(ev('not watchdogFiring', { watchdogFiring: false })).toBe(true);
		expect(ev('a and (b or c)', { a: true, b: false, c: 1 })).toBe(true);
		expect(ev('missing.path == null', {})).toBe(true);
	});

	it('treats ordering against an absent value as no match', () => {
		expect(ev('daysLeft < 7', { daysLeft: null })).toBe(false);
	});

	it('rejects an unparsable number instead of guessing', () => {
		expect(() => ev('daysLeft < 7', { daysLeft: 'soon' })).toThrow(/daysLeft = "soon" is not a number/);
		expect(() => ev('v > 1', { v: Number.NaN })).toThrow(/not a number/);
	});

	it.each([
		['daysLeft <', /expected a value but found the end at column 11/],
		['a == "x', /unterminated string at column 6/],
		['(a', /expected "\)" but found the end/],
		['a in b', /"in" needs a list/],
		['a ? b', /unexpected "\?" at column 3/],
		['a b', /unexpected "b" at column 3/],
	])('reports a syntax error in %j with its column', (src, message) => {
		expect(() => parseExpression(src)).toThrow(ExpressionSyntaxError);
		expect(() => parseExpression(src)).toThrow(message);
	});
});

describe('outcomes', () => {
	const rules = compileRules([
		{ status: 'fail', when: 'daysLeft < 7', message: 'key expires in {daysLeft} days ({expires})' },
		{ status: 'warn', when: 'daysLeft < 14', message: 'key expires in {daysLeft} days' },
		{ status: 'pass', when: 'neverExpires', message: 'key never expires' },
		{ status: 'pass', message: 'key valid for {daysLeft} more days' },
	]);

	it('takes the first matching rule and templates its message', () => {
		expect(evaluateOutcome(rules, { daysLeft: 3.04, expires: '2026-11-25' })).toEqual({ status: 'fail', message: 'key expires in 3 days (2026-11-25)' });
		expect(evaluateOutcome(rules, { daysLeft: 10 })).toEqual({ status: 'warn', message: 'key expires in 10 days' });
		expect(evaluateOutcome(rules, { daysLeft: null, neverExpires: true })).toEqual({ status: 'pass', message: 'key never expires' });
		expect(evaluateOutcome(rules, { daysLeft: 30.26 })).toEqual({ status: 'pass', message: 'key valid for 30.3 more days' });
	});

	it('turns an unparsable observed value into error, naming it', () => {
		const out = evaluateOutcome(rules, { daysLeft: 'n/a' });
		expect(out.status).toBe('error');
		expect(out.message).toContain('daysLeft = "n/a" is not a number');
	});

	it('renders lists, objects and absent values readably', () => {
		expect(renderMessage('{a} | {b} | {c} | {d.e}', { a: ['x', 'y'], b: { london: 'sha256:ab' }, c: null, d: { e: 2 } })).toBe('x, y | london: sha256:ab | none | 2');
	});

	it('filters a list by a condition and shows one field of each kept item', () => {
		const nodes = [{ name: 'a', percent: 71 }, { name: 'b', percent: 58 }, { name: 'c', percent: 12 }];
		expect(renderMessage('{nodes[percent >= 50].name}', { nodes })).toBe('a, b');
		expect(renderMessage('{nodes[percent >= 90].name}', { nodes })).toBe('none');
		expect(renderMessage('{nodes[percent < 20]}', { nodes })).toBe('name: c, percent: 12');
		expect(renderMessage('{missing[percent >= 50].name}', { nodes })).toBe('none');
	});

	it("gives a message its rule's threshold as $threshold", () => {
		const nodes = [{ name: 'a', percent: 71 }, { name: 'b', percent: 58 }, { name: 'c', percent: 12 }];
		const compiled = compileRules([
			{ status: 'fail', when: 'max >= 70', message: 'over {$threshold}%: {nodes[percent >= $threshold].name}' },
			{ status: 'warn', when: 'max >= 10', message: 'over {$threshold}%: {nodes[percent >= $threshold].name}' },
			{ status: 'pass', message: 'fine' },
		]);
		expect(compiled.map((r) => r.threshold)).toEqual([70, 10, undefined]);
		expect(evaluateOutcome(compiled, { max: 71, nodes })).toEqual({ status: 'fail', message: 'over 70%: a' });
		expect(evaluateOutcome(compiled, { max: 58, nodes: nodes.slice(1) })).toEqual({ status: 'warn', message: 'over 10%: b, c' });
	});

	it('refuses $threshold in a rule comparing with several numbers', () => {
		expect(() => compileRules([{ status: 'fail', when: 'a > 1 or b > 2', message: '{$threshold}' }])).toThrow('uses $threshold, but the rule\'s condition compares with several numbers (1, 2)');
	});
});
