// What the browser remembers between pages (localStorage). Storage may be off (private windows,
// policies) or full: every access is guarded and the page works without remembering.
import type { RunView } from '../server/runs.ts';

/** The stored value of `key`, or null when absent or storage cannot be read. */
export function remembered(key: string): string | null {
	try {
		return localStorage.getItem(key);
	} catch {
		return null;
	}
}

/** Stores `value` under `key`; when storage refuses, the next visit starts from the page's default. */
export function remember(key: string, value: string): void {
	try {
		localStorage.setItem(key, value);
	} catch {
		// Not remembered.
	}
}

function forget(key: string): void {
	try {
		localStorage.removeItem(key);
	} catch {
		// Nothing to forget where nothing could be stored.
	}
}

/** The key the rehearsal banner (RehearsalBanner.astro, on every page) reads. */
export const rehearsalKey = 'handbook-rehearsal';

/**
 * Tells the rehearsal banner about a rehearsal run this browser is in, until it is signed off.
 * An unreadable stored value counts as none.
 */
export function rememberRehearsal(view: RunView | null): void {
	let current: { run?: unknown } | null = null;
	try {
		current = JSON.parse(remembered(rehearsalKey) ?? 'null') as { run?: unknown } | null;
	} catch {
		current = null;
	}
	if (view?.run.scenario && !view.run.signedOffAt) {
		remember(rehearsalKey, JSON.stringify({ run: view.run.id, scenario: view.run.scenario, page: location.pathname }));
	} else if (view && current?.run === view.run.id) forget(rehearsalKey);
}

const environmentKey = 'handbook:environment';

/** The environment last chosen on any checklist page of this browser. */
export function rememberedEnvironment(): string | null {
	return remembered(environmentKey);
}

export function rememberEnvironment(environment: string): void {
	remember(environmentKey, environment);
}
