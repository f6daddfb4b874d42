import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';

/** Sent with every response, page, asset or API answer. */
export const securityHeaders: Readonly<Record<string, string>> = {
	'x-frame-options': 'DENY',
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'same-origin',
};

/**
 * The policy of anything that is not a prerendered page (JSON, assets, redirects): it may load
 * nothing and be framed by nobody. Prerendered pages get Astro's policy (security.csp in
 * astro.config.mjs: the site's own scripts and the hashes of its inline ones).
 */
export const nothingPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * One policy allowing what any of `policies` allows, directive by directive: the site-wide policy
 * of the prerendered pages, from the per-page policies Astro computed (sitePolicyIntegration), and
 * that policy with the server's self-check origin.
 *
 * @example
 * mergePolicies(["script-src 'self' 'sha256-a'", "script-src 'self' 'sha256-b'"]) // → "script-src 'self' 'sha256-a' 'sha256-b'"
 */
export function mergePolicies(policies: readonly string[]): string {
	const directives = new Map<string, Set<string>>();
	for (const policy of policies) {
		for (const directive of policy.split(';')) {
			const [name, ...sources] = directive.trim().split(/\s+/);
			if (!name) continue;
			const set = directives.get(name) ?? new Set<string>();
			for (const source of sources) set.add(source);
			directives.set(name, set);
		}
	}
	return [...directives].map(([name, sources]) => [name, ...sources].join(' ')).join('; ');
}

/** Fills in the security headers a response lacks (a response's own CSP is kept). */
export function withSecurityHeaders(pathname: string, headers: Headers, htmlPolicy = nothingPolicy, status = 200): void {
	for (const [name, value] of Object.entries(securityHeaders)) if (!headers.has(name)) headers.set(name, value);
	// A script may run as a worker (Pagefind's search does), under its own response's policy: the pages' one.
	// A 304 carries no content type, and the browser merges its headers into the cached page's:
	// a policy for "no content" there would replace the page's own.
	if (!headers.has('content-security-policy') && status !== 304) headers.set('content-security-policy', /^(text\/html|text\/javascript|application\/javascript)/.test(headers.get('content-type') ?? '') ? htmlPolicy : nothingPolicy);
	// API answers are live state, and may be personal: never kept by a browser or a proxy.
	if (pathname === '/api' || pathname.startsWith('/api/')) headers.set('cache-control', 'no-store');
}

/**
 * Puts the security headers on every response of the Node server, including the files its static
 * handler serves (prerendered pages, assets), which Astro's middleware never sees. `htmlPolicy`
 * is the policy of an HTML page that brings none of its own, and replaces the prerendered pages'
 * policies `pagePolicies` the adapter's static handler sets (the build's site policy, to which
 * the server adds the configured self-check origin).
 *
 * @example
 * secureEveryResponse(startServer().server.server, mergePolicies(policies), new Set(policies));
 */
export function secureEveryResponse(server: Server, htmlPolicy = nothingPolicy, pagePolicies: ReadonlySet<string> = new Set()): void {
	const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
	server.removeAllListeners('request');
	server.on('request', (req: IncomingMessage, res: ServerResponse) => {
		const writeHead = res.writeHead;
		// Every response goes through writeHead, explicitly or implicitly (res.end, a piped file).
		res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
			const headers = new Headers();
			for (const [name, value] of Object.entries(this.getHeaders())) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
			const given = rest.find((r): r is OutgoingHttpHeaders | string[] => typeof r === 'object' && r !== null);
			if (given && !Array.isArray(given)) for (const [name, value] of Object.entries(given)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
			// A flat [name, value, …] list (how the adapter passes a rendered page's headers).
			if (Array.isArray(given) && typeof given[0] === 'string') for (let i = 0; i + 1 < given.length; i += 2) headers.set(given[i]!, given[i + 1]!);
			/** Sets the policy, also where writeHead's own headers would override it. */
			const setPolicy = (value: string) => {
				headers.set('content-security-policy', value);
				this.setHeader('content-security-policy', value);
				if (Array.isArray(given)) {
					for (let i = 0; i + 1 < given.length; i += 2) if (String(given[i]).toLowerCase() === 'content-security-policy') given[i + 1] = value;
				} else if (given) for (const key of Object.keys(given)) if (key.toLowerCase() === 'content-security-policy') given[key] = value;
			};
			// The adapter picks a page's policy by substring ("/" finds "/404"'s): use the site-wide one.
			const own = headers.get('content-security-policy');
			// Pages rendered on demand (the rehearsal report) keep Astro's own policy: security.csp
			// carries the inline hashes every page needs. Our strict pages (the sign-in answers) keep theirs.
			if (pagePolicies.has(own ?? '')) setPolicy(htmlPolicy);
			const before = new Set(headers.keys());
			const pathname = (req.url ?? '/').split('?')[0]!;
			withSecurityHeaders(pathname, headers, htmlPolicy, status);
			for (const [name, value] of headers) if (!before.has(name) || name === 'cache-control') this.setHeader(name, value);
			// Headers passed to writeHead win over setHeader: drop a cache-control there for API paths.
			if (given && !Array.isArray(given) && pathname.startsWith('/api/')) for (const key of Object.keys(given)) if (key.toLowerCase() === 'cache-control') delete given[key];
			return writeHead.call(this, status, ...(rest as []));
		} as typeof res.writeHead;
		for (const listener of listeners) listener.call(server, req, res);
	});
}
