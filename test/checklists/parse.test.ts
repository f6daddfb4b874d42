import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emailPossible, pageParsers, parsePage } from '../../src/checklists/parse.ts';
import { pageFiles } from '../../src/checklists/registry.ts';
import { root } from '../support/site.ts';

/** Every page of the handbook, the platform team's documents and the openshift corpus. */
const corpora = [join(root, 'src/content/docs'), join(root, '../shared/reference/source/docs'), join(root, '../shared/corpus')].filter((d) => existsSync(d));

describe('parsePage without the e-mail autolink construct', () => {
	it('gives the very same tree as the whole GFM syntax on every page where no address can start', () => {
		let fast = 0;
		let pages = 0;
		for (const dir of corpora) {
			for (const file of pageFiles(dir)) {
				pages++;
				const text = readFileSync(file, 'utf8').replace(/\r\n?/g, '\n');
				const parsers = file.endsWith('.mdx') ? pageParsers.mdx : pageParsers.md;
				const whole = parsers.whole.parse(text);
				// What parsePage returns is the tree of the whole syntax, positions included.
				expect(parsePage(text, file).tree, file).toEqual(whole);
				if (emailPossible(text)) continue;
				fast++;
				expect(parsers.noEmail.parse(text), file).toEqual(whole);
			}
		}
		// The handbook's own pages and the corpus mostly take the faster parse.
		expect(pages).toBeGreaterThan(300);
		expect(fast / pages).toBeGreaterThan(0.8);
	});

	it('sees where an address can start, from the characters around each @', () => {
		expect(emailPossible('write to jullian@coder.com today')).toBe(true);
		expect(emailPossible('a+b@x')).toBe(true);
		expect(emailPossible('x_@.y')).toBe(true);
		// An import of a scoped package, a lone @ and a mention cannot start one.
		expect(emailPossible("import { Tabs } from '@astrojs/starlight/components';")).toBe(false);
		expect(emailPossible('ping @alice, cc @ the desk, a @ b')).toBe(false);
		expect(emailPossible('user@ host')).toBe(false);
	});

	it('links an address where one can start, as GFM does (the construct really is left out of the other parser)', () => {
		const text = 'Mail jullian@coder.com for access.\n';
		const link = (tree: unknown) => JSON.stringify(tree).includes('"url":"mailto:jullian@coder.com"');
		expect(link(parsePage(text, 'a.md').tree)).toBe(true);
		expect(link(parsePage(text, 'a.mdx').tree)).toBe(true);
		// The tree transform still links the address without the construct, at other positions:
		// why pages with an address must take the whole parse.
		expect(pageParsers.md.noEmail.parse(text)).not.toEqual(pageParsers.md.whole.parse(text));
	});

	it('keeps addresses written with a character reference to the tree transform, in both parsers alike', () => {
		const text = 'Mail jullian&#64;coder.com for access.\n';
		expect(emailPossible(text)).toBe(false);
		expect(pageParsers.md.noEmail.parse(text)).toEqual(pageParsers.md.whole.parse(text));
		expect(pageParsers.mdx.noEmail.parse(text)).toEqual(pageParsers.mdx.whole.parse(text));
	});
});
