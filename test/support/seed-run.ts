import { ChecklistRegistry } from '../../src/checklists/registry.ts';
import { openStore } from '../../src/store/store.ts';

/**
 * Writes a pre-workshop run with `entries` audit entries into the store in `dir`, as the server
 * would record a long workshop day of ticks (a board gathers thousands); returns its id.
 */
export async function seedRun(dir: string, entries: number, environment = 'local'): Promise<string> {
	const store = await openStore({ dataDir: dir, databaseUrl: undefined });
	try {
		const run = await store.createRun({ checklist: 'pre-workshop', environment, actor: 'seed' });
		const items = new ChecklistRegistry().get('pre-workshop')!.items.filter((i) => !i.checkId);
		// One transaction: a few thousand entries in well under a second.
		await store.transaction(async () => {
			for (let i = 1; i < entries; i++) await store.setTick(run.id, items[i % items.length]!.id, i % 3 !== 0, 'seed');
		});
		return run.id;
	} finally {
		await store.close();
	}
}
