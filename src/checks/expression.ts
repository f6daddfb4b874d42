/**
 * The condition language of outcome rules: `daysLeft < 7`, `status != 200 or error != null`,
 * `json.status in ["healthy", "connected"]`, `not watchdogFiring`. Numbers compare as floats; a
 * value that must be a number but is not one makes the evaluation fail with UnparsableValueError.
 */

export type Expr =
	| { type: 'literal'; value: string | number | boolean | null }
	| { type: 'list'; items: Expr[] }
	| { type: 'path'; path: string[] }
	| { type: 'not'; operand: Expr }
	| { type: 'logical'; op: 'and' | 'or'; left: Expr; right: Expr }
	| { type: 'compare'; op: CompareOp; left: Expr; right: Expr };

type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in';

/** A syntax error, with the 1-based column in the condition. */
export class ExpressionSyntaxError extends Error {
	readonly column: number;
	constructor(message: string, column: number) {
		super(`${message} at column ${column}`);
		this.column = column;
	}
}

/** An observed value used as a number that is not one: the check's status becomes `error`. */
export class UnparsableValueError extends Error {
	constructor(path: string, value: unknown) {
		super(`observed ${path} = ${JSON.stringify(value)} is not a number`);
	}
}

type Token = { kind: 'num' | 'str' | 'ident' | 'op' | 'punct' | 'end'; text: string; value?: string | number; at: number };

function tokenize(src: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < src.length) {
		const c = src[i]!;
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		const at = i + 1;
		const rest = src.slice(i);
		let m: RegExpMatchArray | null;
		if ((m = rest.match(/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/)) && !(c === '-' && tokens.length && /num|str|ident/.test(tokens.at(-1)!.kind) && tokens.at(-1)!.text !== 'in')) {
			tokens.push({ kind: 'num', text: m[0], value: Number(m[0]), at });
			i += m[0].length;
		} else if (c === '"' || c === "'") {
			let j = i + 1;
			let out = '';
			while (j < src.length && src[j] !== c) {
				if (src[j] === '\\' && j + 1 < src.length) j++;
				out += src[j++];
			}
			if (j >= src.length) throw new ExpressionSyntaxError('unterminated string', at);
			tokens.push({ kind: 'str', text: src.slice(i, j + 1), value: out, at });
			i = j + 1;
		} else if ((m = rest.match(/^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*/))) {
			tokens.push({ kind: 'ident', text: m[0], at });
			i += m[0].length;
		} else if ((m = rest.match(/^(==|!=|<=|>=|<|>)/))) {
			tokens.push({ kind: 'op', text: m[0], at });
			i += m[0].length;
		} else if ('()[],'.includes(c)) {
			tokens.push({ kind: 'punct', text: c, at });
			i++;
		} else {
			throw new ExpressionSyntaxError(`unexpected "${c}"`, at);
		}
	}
	tokens.push({ kind: 'end', text: 'end of condition', at: src.length + 1 });
	return tokens;
}

/**
 * Parses a condition into an expression tree; throws ExpressionSyntaxError with the column.
 *
 * @example
 * parseExpression('daysLeft < 7 and not neverExpires')
 */
export function parseExpression(src: string): Expr {
	const tokens = tokenize(src);
	let pos = 0;
	const peek = () => tokens[pos]!;
	const next = () => tokens[pos++]!;
	const isWord = (w: string) => peek().kind === 'ident' && peek().text === w;
	const expect = (text: string) => {
		if (peek().text !== text) throw new ExpressionSyntaxError(`expected "${text}" but found ${peek().text === 'end of condition' ? 'the end' : `"${peek().text}"`}`, peek().at);
		next();
	};

	function or(): Expr {
		let left = and();
		while (isWord('or')) {
			next();
			left = { type: 'logical', op: 'or', left, right: and() };
		}
		return left;
	}
	function and(): Expr {
		let left = not();
		while (isWord('and')) {
			next();
			left = { type: 'logical', op: 'and', left, right: not() };
		}
		return left;
	}
	function not(): Expr {
		if (isWord('not')) {
			next();
			return { type: 'not', operand: not() };
		}
		return compare();
	}
	function compare(): Expr {
		const left = primary();
		if (peek().kind === 'op') {
			const op = next().text as CompareOp;
			return { type: 'compare', op, left, right: primary() };
		}
		if (isWord('in')) {
			next();
			const right = primary();
			if (right.type !== 'list') throw new ExpressionSyntaxError('"in" needs a list such as ["a", "b"]', peek().at);
			return { type: 'compare', op: 'in', left, right };
		}
		return left;
	}
	function primary(): Expr {
		const t = next();
		if (t.kind === 'num' || t.kind === 'str') return { type: 'literal', value: t.value! };
		if (t.kind === 'ident') {
			if (t.text === 'true' || t.text === 'false') return { type: 'literal', value: t.text === 'true' };
			if (t.text === 'null') return { type: 'literal', value: null };
			if (['and', 'or', 'not', 'in'].includes(t.text)) throw new ExpressionSyntaxError(`expected a value but found "${t.text}"`, t.at);
			return { type: 'path', path: t.text.split('.') };
		}
		if (t.text === '(') {
			const e = or();
			expect(')');
			return e;
		}
		if (t.text === '[') {
			const items: Expr[] = [];
			if (peek().text !== ']') {
				do items.push(primary());
				while (peek().text === ',' && next());
			}
			expect(']');
			return { type: 'list', items };
		}
		throw new ExpressionSyntaxError(`expected a value but found ${t.kind === 'end' ? 'the end' : `"${t.text}"`}`, t.at);
	}

	const expr = or();
	if (peek().kind !== 'end') throw new ExpressionSyntaxError(`unexpected "${peek().text}"`, peek().at);
	return expr;
}

/** The value at a dotted path of the observed values (undefined when absent). */
export function lookup(values: Record<string, unknown>, path: readonly string[]): unknown {
	let v: unknown = values;
	for (const key of path) {
		if (v === null || typeof v !== 'object') return undefined;
		v = (v as Record<string, unknown>)[key];
	}
	return v;
}

const numeric = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function asNumber(v: unknown, label: string): number | null {
	if (v === null || v === undefined) return null;
	if (typeof v === 'number') {
		if (Number.isNaN(v)) throw new UnparsableValueError(label, v);
		return v;
	}
	if (typeof v === 'string' && numeric.test(v)) return Number.parseFloat(v);
	if (typeof v === 'boolean') return v ? 1 : 0;
	throw new UnparsableValueError(label, v);
}

function label(e: Expr): string {
	return e.type === 'path' ? e.path.join('.') : e.type === 'literal' ? JSON.stringify(e.value) : 'value';
}

function equal(a: unknown, b: unknown): boolean {
	const numLike = (v: unknown) => typeof v === 'number' || (typeof v === 'string' && numeric.test(v));
	if (numLike(a) && numLike(b)) return Number(a) === Number(b);
	return (a ?? null) === (b ?? null);
}

const truthy = (v: unknown) => !(v === null || v === undefined || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0));

/**
 * Evaluates a parsed condition over observed values. Comparisons with an absent value are
 * false; ordering comparisons parse both sides as floats.
 */
export function evaluate(expr: Expr, values: Record<string, unknown>): unknown {
	switch (expr.type) {
		case 'literal':
			return expr.value;
		case 'list':
			return expr.items.map((i) => evaluate(i, values));
		case 'path':
			return lookup(values, expr.path);
		case 'not':
			return !truthy(evaluate(expr.operand, values));
		case 'logical': {
			const left = truthy(evaluate(expr.left, values));
			if (expr.op === 'and') return left && truthy(evaluate(expr.right, values));
			return left || truthy(evaluate(expr.right, values));
		}
		case 'compare': {
			const a = evaluate(expr.left, values);
			const b = evaluate(expr.right, values);
			if (expr.op === 'in') return (b as unknown[]).some((item) => equal(a, item));
			if (expr.op === '==') return equal(a, b);
			if (expr.op === '!=') return !equal(a, b);
			const x = asNumber(a, label(expr.left));
			const y = asNumber(b, label(expr.right));
			if (x === null || y === null) return false;
			return expr.op === '<' ? x < y : expr.op === '<=' ? x <= y : expr.op === '>' ? x > y : x >= y;
		}
	}
}

/** Names of the observed values a condition reads (first path segment). */
export function pathsOf(expr: Expr): string[] {
	switch (expr.type) {
		case 'path':
			return [expr.path.join('.')];
		case 'not':
			return pathsOf(expr.operand);
		case 'logical':
		case 'compare':
			return [...pathsOf(expr.left), ...pathsOf(expr.right)];
		case 'list':
			return expr.items.flatMap(pathsOf);
		default:
			return [];
	}
}
