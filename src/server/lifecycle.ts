import type { App } from './app.ts';

/**
 * The process's drain on shutdown, shared through `globalThis` because `npm start` loads the
 * server twice over: scripts/serve.ts from src/ and the built endpoints from dist/. serve.ts
 * starts the drain on SIGTERM; each app registers what it must finish; /api/health?ready reads
 * whether the process is draining.
 */
interface Lifecycle {
	draining: boolean;
	drainers: Set<(graceMs: number) => Promise<void>>;
}

const key = Symbol.for('workshop-handbook.lifecycle');

function state(): Lifecycle {
	const g = globalThis as { [key]?: Lifecycle };
	g[key] ??= { draining: false, drainers: new Set() };
	return g[key];
}

/** Whether the process is shutting down: readiness answers 503, new work is refused. */
export function draining(): boolean {
	return state().draining;
}

/** Registers work to finish when the process drains (given the grace period in ms). */
export function onDrain(drainer: (graceMs: number) => Promise<void>): void {
	state().drainers.add(drainer);
}

/** Starts the drain: marks the process draining and runs every registered drainer to its end. */
export async function drain(graceMs: number): Promise<void> {
	const s = state();
	s.draining = true;
	await Promise.allSettled([...s.drainers].map((d) => d(graceMs)));
}

/**
 * What an app finishes when the process drains: every live stream is told to reconnect
 * (`retry:`) and ended, the checks it is probing get `graceMs` to finish (the rest are marked
 * interrupted, saying so), then the store is closed.
 */
export function drainOnShutdown(app: App): App {
	onDrain(async (graceMs) => {
		const streams = app.events.closeAll();
		const interrupted = await app.service.finishInFlight(graceMs);
		app.log(`handbook: drained: ${streams} live stream(s) told to reconnect, ${interrupted} check(s) marked interrupted`);
		app.events.close();
		await app.store.close();
	});
	return app;
}
