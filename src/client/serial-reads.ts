/**
 * Wraps a read so reads never overlap: a call made while one is in flight queues one more
 * (shared by every caller until it starts), so the answer is never older than the call.
 *
 * @example
 * const reload = serialReads(async () => show(await fetchView()));
 * await Promise.all([reload(), reload(), reload()]); // two reads, the second after the first
 */
export function serialReads(read: () => Promise<void>): () => Promise<void> {
	let reading: Promise<void> = Promise.resolve();
	let queued: Promise<void> | null = null;
	return () => {
		if (queued) return queued;
		const next = reading.then(() => {
			queued = null;
			return read();
		});
		queued = next;
		reading = next.catch(() => {});
		return next;
	};
}
