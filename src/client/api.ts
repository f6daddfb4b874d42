// The browser's one way to the handbook's API: JSON over fetch, same origin.

/** An API answer that was not 2xx, with the server's own message. */
export class ApiError extends Error {
	readonly status: number;
	/** The answer's JSON body (e.g. a 409's `current` value). */
	readonly body: Record<string, unknown> | undefined;
	constructor(status: number, message: string, body?: Record<string, unknown>) {
		super(message);
		this.status = status;
		this.body = body;
	}
}

/** GET or POST JSON to the handbook's API; a POST always carries a JSON body (origin + JSON = no CSRF). */
export async function api<T>(path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
	let res: Response;
	try {
		res = await fetch(path, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			credentials: 'same-origin',
			cache: 'no-store',
		});
	} catch {
		throw new ApiError(0, 'the handbook server cannot be reached');
	}
	const data = (await res.json().catch(() => ({}))) as T & { error?: string };
	if (!res.ok) throw new ApiError(res.status, data.error ?? `the server answered ${res.status}`, data as Record<string, unknown>);
	return data;
}
