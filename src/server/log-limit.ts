/** Characters kept of one log line; the rest is replaced by a count. */
export const MAX_LOG_LINE = 500;
/** Lines of one kind (same beginning) written per minute; more are counted, then summarised. */
export const LINES_PER_KIND_PER_MINUTE = 10;

export interface LogLimiterOptions {
	maxLine?: number;
	perMinute?: number;
	now?: () => number;
}

/**
 * Bounds what a log receives from request-driven messages: each line cut to `maxLine` characters
 * (a 15 KB path is not logged whole), and lines of one kind (their beginning, digits and the
 * time stamp aside) at most `perMinute` a minute, the rest counted and summarised once the
 * minute is over. One client cannot fill the disk through the log.
 *
 * @example
 * const limit = new LogLimiter();
 * limit.lines('09:31:28 [WARN] [router] No API Route handler exists for …') // → the line, cut
 */
export class LogLimiter {
	#maxLine: number;
	#perMinute: number;
	#now: () => number;
	#kinds = new Map<string, { since: number; written: number; dropped: number }>();

	constructor(options: LogLimiterOptions = {}) {
		this.#maxLine = options.maxLine ?? MAX_LOG_LINE;
		this.#perMinute = options.perMinute ?? LINES_PER_KIND_PER_MINUTE;
		this.#now = options.now ?? Date.now;
	}

	/** What to write for `text` (one or more lines): cut, with repeated kinds held back. */
	lines(text: string): string {
		const now = this.#now();
		const out: string[] = [];
		const parts = text.split('\n');
		const trailing = parts.at(-1) === '';
		if (trailing) parts.pop();
		for (const line of parts) {
			if (line.trim() === '') {
				out.push(line);
				continue;
			}
			const key = line.replace(/^\s*\d{1,2}:\d{2}:\d{2}\s*/, '').replace(/\d+/g, '#').slice(0, 60);
			let kind = this.#kinds.get(key);
			if (!kind || now - kind.since >= 60_000) {
				if (kind?.dropped) out.push(`(${kind.dropped} more line(s) like "${key}…" were not logged in the last minute)`);
				kind = { since: now, written: 0, dropped: 0 };
				if (this.#kinds.size >= 1_000) this.#kinds.clear();
				this.#kinds.set(key, kind);
			}
			if (kind.written >= this.#perMinute) {
				kind.dropped++;
				continue;
			}
			kind.written++;
			out.push(line.length <= this.#maxLine ? line : `${line.slice(0, this.#maxLine)}… (${line.length - this.#maxLine} more characters)`);
		}
		return out.length ? out.join('\n') + (trailing ? '\n' : '') : '';
	}
}

/**
 * Puts a `LogLimiter` in front of a stream (the server's stdout or stderr): every write, from
 * Astro's logger, the adapter or our own, is bounded.
 */
export function limitStream(stream: NodeJS.WriteStream, limiter = new LogLimiter()): void {
	const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
	stream.write = ((chunk: unknown, ...rest: unknown[]) => {
		if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) return write(chunk, ...rest);
		const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
		const bounded = limiter.lines(text);
		const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
		if (bounded === '') {
			callback?.();
			return true;
		}
		return write(bounded, ...rest.filter((r) => typeof r === 'function'));
	}) as typeof stream.write;
}
