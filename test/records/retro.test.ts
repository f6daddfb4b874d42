import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RetroError, validateRetro, validateRetroPage } from '../../src/records/retro.ts';
import { docsDir } from '../support/site.ts';

const page = (retro: string) => `---\ntitle: A retrospective\nretro:\n${retro}\n---\n\nBody.\n`;
const file = 'src/content/docs/records/retros/2026-12.mdx';

function problems(source: string): string[] {
	try {
		validateRetroPage(source, file);
	} catch (err) {
		expect(err).toBeInstanceOf(RetroError);
		expect((err as Error).message).toMatch(new RegExp(`^${file} is not a valid retrospective:`));
		return (err as RetroError).issues.map((i) => `${i.path}: ${i.message}`);
	}
	return [];
}

describe('the retrospective schema', () => {
	it('rejects a bad metric, naming the file and the field', () => {
		expect(problems(page('  workshop: "2026-12"\n  metrics:\n    attended: -3\n    failureRatePercent: 140\n    satisfaction: great'))).toEqual([
			'retro.metrics.attended: Attended: expected a whole number ≥ 0, or null while it is still to fill (got -3)',
			'retro.metrics.failureRatePercent: Workspace failure rate: expected a percentage from 0 to 100, or null while it is still to fill (got 140)',
			'retro.metrics.satisfaction: Satisfaction: expected a score from 0 to 5, or null while it is still to fill (got "great")',
		]);
	});

	it('rejects a misspelt metric and lists the known ones', () => {
		const [problem] = problems(page('  workshop: "2026-12"\n  metrics:\n    atendance: 12'));
		expect(problem).toMatch(/^retro\.metrics: unknown field atendance \(known: registered, attended, completionPercent,/);
	});

	it('rejects a workshop that is not a month key and an action without horizon', () => {
		expect(problems(page('  workshop: december\n  actions:\n    - title: Scale up\n      horizon: soon'))).toEqual([
			'retro.workshop: workshop: expected the month key such as "2026-12" (got "december")',
			'retro.actions[0].horizon: horizon is next-workshop, this-quarter or later',
		]);
	});

	it('accepts null and "to fill" for what is not known yet, and defaults the rest to null', () => {
		const retro = validateRetroPage(page('  workshop: "2026-12"\n  metrics:\n    attended: null # to fill\n    registered: to fill\n    blockers: 1'), file);
		expect(retro.metrics).toMatchObject({ attended: null, registered: null, blockers: 1, satisfaction: null });
		expect(retro.incidents).toEqual({ P0: null, P1: null, P2: null, P3: null });
		expect(retro).toMatchObject({ example: false, status: 'draft', actions: [], targets: {} });
	});

	it('reads dates the way Astro and the yaml package both give them', () => {
		expect(validateRetro({ workshop: '2026-12', date: new Date('2026-12-01T00:00:00Z') }, file).date).toBe('2026-12-01');
		expect(validateRetro({ workshop: '2026-12', date: '2026-12-01' }, file).date).toBe('2026-12-01');
	});

	it('refuses a target for a metric that has none', () => {
		expect(() => validateRetro({ workshop: '2026-12', targets: { attended: 10 } }, file)).toThrow(/retro\.targets: unknown field attended/);
	});

	it('accepts the shipped examples, each marked as an example', () => {
		const dir = join(docsDir, 'records/retros');
		const examples = readdirSync(dir).filter((f) => f.startsWith('example-'));
		expect(examples).toHaveLength(2);
		for (const f of examples) expect(validateRetroPage(readFileSync(join(dir, f), 'utf8'), f).example).toBe(true);
	});
});
