/**
 * Like `Promise.all`, but waits for every promise to settle before rejecting with the first
 * error: a probe's requests never outlive its observation (no request left running after the
 * check answered, or after the test moved on).
 *
 * @example
 * const [list, build] = await allSettledOrThrow([api.get('/a'), api.get('/b')]);
 */
export async function allSettledOrThrow<T extends readonly unknown[] | []>(values: T): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }> {
	const settled = await Promise.allSettled(values);
	for (const s of settled) if (s.status === 'rejected') throw s.reason;
	return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [P in keyof T]: Awaited<T[P]> };
}
