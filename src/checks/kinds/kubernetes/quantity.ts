import { ProbeError } from '../../types.ts';

const SUFFIX: Record<string, number> = {
	n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
	Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * A Kubernetes quantity ("7910m", "104845292Ki", "1.5e3") as a number; 0 when absent.
 *
 * @example
 * quantity('500m') // → 0.5
 * quantity('8Gi')  // → 8589934592
 */
export function quantity(q: string | number | undefined): number {
	if (q === undefined || q === null || q === '') return 0;
	if (typeof q === 'number') return q;
	const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(q.trim());
	const factor = m ? SUFFIX[m[2]!] : undefined;
	if (!m || factor === undefined) throw new ProbeError(`the Kubernetes quantity ${JSON.stringify(q)} cannot be read`);
	return Number(m[1]) * factor;
}

/** Bytes in a GiB. */
export const GIB = 2 ** 30;

/** `n` rounded to `digits` decimals. */
export function round(n: number, digits = 1): number {
	const f = 10 ** digits;
	return Math.round(n * f) / f;
}
