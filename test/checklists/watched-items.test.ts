import { describe, expect, it } from 'vitest';
import { extractChecklist } from '../../src/checklists/extract.ts';
import { watchedItems } from '../../src/checklists/watched-items.ts';

describe('watchedItems', () => {
	const page = extractChecklist('- [ ] Platform answers <Check id="healthz" />\n- [ ] Names resolve <Check id="dns-records" />\n- [ ] Again <Check id="healthz" />\n', 'board.mdx');
	it('gives the first item bound to each watched check, in the order watched', () => {
		expect(watchedItems(page, ['dns-records', 'healthz'])).toEqual([
			{ id: 'dns-records', checkId: 'dns-records', text: 'Names resolve' },
			{ id: 'healthz', checkId: 'healthz', text: 'Platform answers' },
		]);
	});
	it('leaves out a watched check no item binds (lint CK012 reports it)', () => {
		expect(watchedItems(page, ['tls-expiry', 'healthz']).map((i) => i.checkId)).toEqual(['healthz']);
	});
});
