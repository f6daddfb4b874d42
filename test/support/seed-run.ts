import { ChecklistRegistry } from '../../src/checklists/registry.ts';
import { Store } from '../../src/store/store.ts';

/**
 * Writes a pre-workshop run with `entries` audit entries into the store in `dir`, as the server
 * would record a long workshop day of ticks (a board gathers thousands); returns its id.
 */
export function seedRun(dir: string, entries: number, environment = 'local'): string {
	const store = new Store(dir);
	try {
		const run = store.createRun({ checklist: 'pre-workshop', environment, actor: 'seed' });
		const items = new ChecklistRegistry().get('pre-workshop')!.items.filter((i) => !i.checkId);
		for (let i = 1; i < entries; i++) store.setTick(run.id, items[i % items.length]!.id, i % 3 !== 0, 'seed');
		return run.id;
	} finally {
		store.close();
	}
}
