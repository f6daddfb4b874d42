import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineSourceHashes, sitePolicyIntegration } from '../../src/server/inline-hashes.ts';

const sha = (text: string) => `sha256-${createHash('sha256').update(text).digest('base64')}`;

describe('inlineSourceHashes', () => {
	it('hashes is:inline scripts and styles and styles in <noscript>, as written; not bundled ones, nor node_modules', () => {
		const dir = mkdtempSync(join(tmpdir(), 'hb-inline-'));
		mkdirSync(join(dir, 'components'));
		mkdirSync(join(dir, 'node_modules'));
		writeFileSync(
			join(dir, 'components/A.astro'),
			'---\n---\n<script is:inline>\n\twindow.theme = 1;\n</script>\n<script>console.log("bundled");</script>\n<script is:inline src="/x.js"></script>\n<noscript><style>\n\t.x { display: none; }\n</style></noscript>\n<style>.bundled { color: red; }</style>\n<style is:inline>@layer a, b;</style>\n',
		);
		writeFileSync(join(dir, 'node_modules/B.astro'), '<script is:inline>skipped()</script>\n');
		expect(inlineSourceHashes([dir])).toEqual({ scripts: [sha('\n\twindow.theme = 1;\n')], styles: [sha('\n\t.x { display: none; }\n'), sha('@layer a, b;')].sort() });
	});
});

describe('sitePolicyIntegration', () => {
	it("gives every prerendered page the union of the pages' policies", () => {
		const page = (policy: string | null) => ({ headers: new Headers(policy ? { 'content-security-policy': policy } : {}), route: {} as never });
		const routes = new Map([
			['/', page("script-src 'self' 'sha256-a'; frame-ancestors 'none'")],
			['/404/', page("script-src 'self' 'sha256-b'; frame-ancestors 'none'")],
			['/plain/', page(null)],
		]);
		const hook = sitePolicyIntegration().hooks['astro:build:generated']!;
		void hook({ routeToHeaders: routes, dir: new URL('file:///tmp/'), logger: {} as never });
		const site = "script-src 'self' 'sha256-a' 'sha256-b'; frame-ancestors 'none'";
		expect([...routes.values()].map((r) => r.headers.get('content-security-policy'))).toEqual([site, site, null]);
	});
});
