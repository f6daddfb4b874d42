import { Agent, fetch as undiciFetch } from 'undici';

export interface ApiAnswer {
	status: number;
	body: any;
	text: string;
	headers: Headers;
}

/** A fetch whose connections leave from `localAddress` (any of 127.0.0.0/8): another client to the server. */
export function fetchFrom(localAddress: string): typeof fetch {
	const dispatcher = new Agent({ localAddress });
	return ((input: string, init: RequestInit = {}) => undiciFetch(input, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch;
}

/** A request: JSON (sent as POST unless `method` says otherwise) or a raw `body`; `headers` win over the defaults. */
export interface CallInit {
	method?: string;
	json?: unknown;
	body?: string;
	headers?: Record<string, string>;
	/** This request's Cookie header instead of the client's session ('' sends none). */
	cookie?: string;
}

/**
 * A browser-like client of one handbook server: JSON bodies, its own Origin (as browsers send on
 * mutations), the session cookie once signed in. `localAddress` makes it another client address.
 * The one API client of the tests (test/support/handbook.ts starts a server and hands one out).
 *
 * @example
 * const api = apiClient(server.url); await api.signIn(token); (await api.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id
 */
export function apiClient(base: string, options: { localAddress?: string } = {}) {
	const send = options.localAddress ? fetchFrom(options.localAddress) : fetch;
	let cookie = '';
	const call = async (path: string, init: CallInit = {}): Promise<ApiAnswer> => {
		const session = init.cookie ?? cookie;
		const res = await send(base + path, {
			method: init.method ?? (init.json !== undefined || init.body !== undefined ? 'POST' : 'GET'),
			headers: { origin: base, ...(session ? { cookie: session } : {}), ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
			body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
			redirect: 'manual',
		});
		const text = await res.text();
		let body: any = text;
		try {
			body = JSON.parse(text);
		} catch {
			// not JSON
		}
		return { status: res.status, body, text, headers: res.headers };
	};
	return {
		call,
		get cookie() {
			return cookie;
		},
		/** Signs in with a facilitator token; later calls carry the session cookie, which it returns. */
		async signIn(token: string, name = 'facilitator'): Promise<string> {
			const res = await call('/api/session', { json: { token, name } });
			if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${res.text}`);
			cookie = res.headers.get('set-cookie')!.split(';')[0]!;
			return cookie;
		},
	};
}
