/**
 * The q-quantile (0..1) of a sample by the nearest-rank method: what the benchmarks print as p50
 * and p99. NaN for an empty sample.
 *
 * @example
 * percentile([5, 1, 3], 0.5) // → 3
 */
export function percentile(xs: readonly number[], q: number): number {
	const sorted = [...xs].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
