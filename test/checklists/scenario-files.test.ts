import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScenarioFiles } from '../../src/checklists/scenario-files.ts';

const source = 'src/content/scenarios/workspace-restart-loop.yaml';
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ScenarioFiles', () => {
	it('parses a scenario file once while it is unchanged, again once it changes, and forgets a removed one', () => {
		dir = mkdtempSync(join(tmpdir(), 'scenarios-'));
		const path = join(dir, 'workspace-restart-loop.yaml');
		copyFileSync(source, path);
		const files = new ScenarioFiles(dir);
		const first = files.all();
		expect(first.map((f) => f.scenario.id)).toEqual(['workspace-restart-loop']);
		// Unchanged: the very same parsed file, not a second read.
		expect(files.all()[0]).toBe(first[0]);
		expect(files.find('workspace-restart-loop')).toBe(first[0]!.scenario);
		// Edited on disk: read again, and the edit shows.
		writeFileSync(path, readFileSync(path, 'utf8').replace(/^title: .*$/m, 'title: Edited title'));
		utimesSync(path, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
		const edited = files.all()[0]!;
		expect(edited).not.toBe(first[0]);
		expect(edited.scenario.title).toBe('Edited title');
		rmSync(path);
		expect(files.all()).toEqual([]);
		expect(files.find('workspace-restart-loop')).toBeUndefined();
	});
});
