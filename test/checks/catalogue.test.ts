import { describe, expect, it } from 'vitest';
import { catalogue, mayRun } from '../../src/checks/catalogue.ts';
import { kinds } from '../../src/checks/kinds/index.ts';
import { appliesTo, loadConfig } from '../../src/checks/load-config.ts';

const handbook = await loadConfig(kinds, 'handbook.config.ts');

describe('catalogue', () => {
	it('lists every check of the config in order, with the environments it runs in and never its parameters', () => {
		const all = catalogue(handbook);
		expect(all.map((c) => c.id)).toEqual([...handbook.checks.keys()]);
		for (const entry of all) {
			const check = handbook.checks.get(entry.id)!;
			expect(entry.environments).toEqual([...handbook.environments.values()].filter((e) => appliesTo(check, e)).map((e) => e.id));
			expect(Object.keys(entry).sort()).toEqual(['access', 'environments', 'id', 'kind', 'maxAgeMinutes', 'perRegion', 'runbook', 'timeoutMs', 'title']);
		}
	});

	it('keeps only the checks of one environment, the same set the run engine applies', () => {
		for (const env of handbook.environments.values()) {
			const ids = catalogue(handbook, env.id).map((c) => c.id);
			expect(ids).toEqual([...handbook.checks.values()].filter((c) => appliesTo(c, env)).map((c) => c.id));
			expect(catalogue(handbook).filter((c) => c.environments.includes(env.id)).map((c) => c.id)).toEqual(ids);
		}
		expect(() => catalogue(handbook, 'nowhere')).toThrow(/unknown environment "nowhere"; known: /);
	});

	it('lets a person whose role covers the run run any check and anyone else only the public ones', () => {
		expect(mayRun({ access: 'public' }, { worker: false })).toBe(true);
		expect(mayRun({ access: 'facilitator' }, { worker: false })).toBe(false);
		expect(mayRun({ access: 'facilitator' }, { worker: true })).toBe(true);
		expect(mayRun({ access: 'public' }, { worker: true })).toBe(true);
	});
});
