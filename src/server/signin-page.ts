import { createHash } from 'node:crypto';

const base = 'http://handbook.invalid';

/**
 * Where a sign-in link may send the browser afterwards: a path of this site only ("/checklists/
 * pre-workshop/"), never another site ("//evil.example", "https://…", "/\\evil"); "/" otherwise.
 *
 * @example
 * safeNextPath('/checklists/pre-workshop/#run') // → '/checklists/pre-workshop/#run'
 * safeNextPath('//evil.example/')               // → '/'
 */
export function safeNextPath(raw: string | null | undefined): string {
	if (!raw || !raw.startsWith('/') || raw.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(raw)) return '/';
	try {
		const url = new URL(raw, base);
		return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : '/';
	} catch {
		return '/';
	}
}

const style = 'body{font:1.05rem/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#17181c;background:#fff}h1{font-size:1.4rem}a{color:#3b4ccc}';
const styleHash = createHash('sha256').update(style).digest('base64');

function escape(s: string): string {
	return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A small HTML page in plain words for a person who opened a sign-in link that did not work:
 * what happened and what to do. No scripts; its one inline style is allowed by hash.
 */
export function signInProblemPage(options: { status: number; title: string; paragraphs: string[]; next?: string }): Response {
	const back = options.next && options.next !== '/' ? `<p><a href="${escape(options.next)}">Go back to the page you came from</a> (you can read it without signing in).</p>` : '';
	const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(options.title)} · Workshop Handbook</title>
<style>${style}</style>
</head>
<body>
<main>
<h1>${escape(options.title)}</h1>
${options.paragraphs.map((p) => `<p>${escape(p)}</p>`).join('\n')}
${back}
<p><a href="/">Workshop Handbook home</a> explains how facilitators sign in.</p>
</main>
</body>
</html>
`;
	return new Response(html, {
		status: options.status,
		headers: {
			'content-type': 'text/html; charset=utf-8',
			'cache-control': 'no-store',
			'content-security-policy': `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
		},
	});
}
