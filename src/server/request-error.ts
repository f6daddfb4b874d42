/**
 * A request the caller got wrong (unknown checklist, check not in this checklist, a field too
 * long, too many requests): the endpoint answers with `status` and the message as JSON, e.g.
 * `throw new RequestError(404, 'no run "r-1"')`. A 429 carries the seconds to wait in
 * `retryAfter` (sent as Retry-After).
 */
export class RequestError extends Error {
	readonly status: number;
	readonly retryAfter: number | undefined;
	constructor(status: number, message: string, options: { retryAfter?: number } = {}) {
		super(message);
		this.name = 'RequestError';
		this.status = status;
		this.retryAfter = options.retryAfter;
	}
}
