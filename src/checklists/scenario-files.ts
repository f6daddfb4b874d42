import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario, type Scenario, type ScenarioFile } from './scenario.ts';

/**
 * The rehearsal scenarios of a directory, read when asked so edits apply at once, but each file
 * read and parsed again only when its modification time or size changed: a rehearsal run asks
 * for its scenario on every check it runs.
 *
 * @example
 * const scenarios = new ScenarioFiles('src/content/scenarios');
 * scenarios.find('workspace-restart-loop')?.title
 */
export class ScenarioFiles {
	readonly dir: string;
	#cache = new Map<string, { mtimeMs: number; size: number; file: ScenarioFile }>();

	constructor(dir: string) {
		this.dir = dir;
	}

	/** Every scenario file (`*.yaml`, `*.yml`) by file name; a file that does not parse throws, naming it. */
	all(): ScenarioFile[] {
		const names = readdirSync(this.dir).filter((f) => /\.ya?ml$/.test(f)).sort();
		for (const cached of this.#cache.keys()) if (!names.includes(cached)) this.#cache.delete(cached);
		return names.map((name) => {
			const path = join(this.dir, name);
			const { mtimeMs, size } = statSync(path);
			const cached = this.#cache.get(name);
			if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached.file;
			const file = parseScenario(readFileSync(path, 'utf8'), path);
			this.#cache.set(name, { mtimeMs, size, file });
			return file;
		});
	}

	find(id: string): Scenario | undefined {
		return this.all().find((f) => f.scenario.id === id)?.scenario;
	}
}
