import { expect } from 'vitest';

/**
 * Runs a probe under a deadline the test fires itself, once `waiting()` says the probe is stuck
 * where it should be (a tarpit accepted its connection, a silent resolver got its query). The
 * probe must not have settled by then, and must settle once the deadline fires: the deadline is
 * asserted on events, never on the elapsed time of a shared machine.
 *
 * @example
 * const observed = await atDeadline((signal) => observe(params, ctx({ signal })), () => tarpit.accepted() === 1);
 */
export async function atDeadline<T>(probe: (signal: AbortSignal) => Promise<T>, waiting: () => boolean): Promise<T> {
	const deadline = new AbortController();
	let settled = false;
	const running = probe(deadline.signal).finally(() => {
		settled = true;
	});
	await expect.poll(waiting, { timeout: 10_000 }).toBe(true);
	// Every callback already due runs first: a probe that gives up by itself would settle here.
	await new Promise((resolve) => setImmediate(resolve));
	expect(settled, 'the probe settled before its deadline').toBe(false);
	// As the runner's AbortSignal.timeout does.
	deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
	return running;
}
