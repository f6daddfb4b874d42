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

/**
 * A browser-like client of one handbook server: JSON bodies, its own Origin (as browsers send on
 * mutations), the session cookie once signed in. `localAddress` makes it another client address.
 *
 * @example
 * const api = apiClient(server.url); await api.signIn(token); (await api.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id
 */
export function apiClient(base: string, options: { localAddress?: string } = {}) {
	const send = options.localAddress ? fetchFrom(options.localAddress) : fetch;
	let cookie = '';
	const call = async (path: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<ApiAnswer> => {
		const res = await send(base + path, {
			method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'),
			headers: { origin: base, ...(cookie ? { cookie } : {}), ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
			body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
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
		async signIn(token: string, name = 'facilitator') {
			const res = await call('/api/session', { json: { token, name } });
			if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${res.text}`);
			cookie = res.headers.get('set-cookie')!.split(';')[0]!;
		},
	};
}
