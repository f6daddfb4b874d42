import type { z } from 'zod';
import type { EnvironmentConfig, RegionConfig } from './config.ts';

/** What a check concluded. `error`: it could not observe; `fail`: it observed something bad. */
export type Status = 'pass' | 'warn' | 'fail' | 'error' | 'skipped';

/** Order used to pick the worst status of several regions or items. */
export const statusRank: Record<Status | 'stale' | 'interrupted', number> = {
	skipped: 0,
	pass: 1,
	stale: 2,
	warn: 3,
	fail: 4,
	error: 5,
	interrupted: 5,
};

/**
 * How a checklist item stands in a run, as every page and the CLI show it: a check's status, or
 * where it stands without one (`not-run`, `running`, `stale`, `interrupted`), or a manual item
 * `ticked` (ticked with every field recorded) or `open`.
 */
export type ItemState = Status | 'stale' | 'interrupted' | 'running' | 'not-run' | 'ticked' | 'open';

/**
 * Where an item counts in a run's progress: `done` (passed or ticked), `warning` (passed with a
 * note; not blocking), `failing` (observed something bad or could not observe), `not-run`
 * (no current result), `open` (a manual item not ticked), `skipped` (not defined for the
 * environment: never done, never blocking, counted apart).
 */
export type StateBucket = 'done' | 'warning' | 'failing' | 'not-run' | 'open' | 'skipped';

export interface StateInfo {
	/** The word on the badge, also what a screen reader reads. */
	label: string;
	/** A glyph beside the word, so no state is told apart by colour alone. */
	icon: string;
	bucket: StateBucket;
	/** Whether it keeps the computed verdict at no-go. */
	blocks: boolean;
	/** Blockers sort by this, most urgent first. */
	order: number;
}

/**
 * The one status table: label, icon and meaning of every item state. The server computes each
 * item's state with it (`computeProgress`), the pages only display the state they are sent, and
 * the stylesheet colours `[data-state]` with one colour per state.
 */
export const stateTable: Readonly<Record<ItemState, StateInfo>> = {
	error: { label: 'error', icon: '⚠', bucket: 'failing', blocks: true, order: 0 },
	interrupted: { label: 'interrupted', icon: '⏹', bucket: 'failing', blocks: true, order: 0 },
	fail: { label: 'fail', icon: '✕', bucket: 'failing', blocks: true, order: 1 },
	stale: { label: 'stale', icon: '↻', bucket: 'not-run', blocks: true, order: 2 },
	running: { label: 'running…', icon: '…', bucket: 'not-run', blocks: true, order: 3 },
	'not-run': { label: 'not run', icon: '○', bucket: 'not-run', blocks: true, order: 4 },
	open: { label: 'open', icon: '○', bucket: 'open', blocks: true, order: 5 },
	warn: { label: 'warn', icon: '!', bucket: 'warning', blocks: false, order: 6 },
	skipped: { label: 'skipped', icon: '–', bucket: 'skipped', blocks: false, order: 7 },
	pass: { label: 'pass', icon: '✓', bucket: 'done', blocks: false, order: 8 },
	ticked: { label: 'done', icon: '✓', bucket: 'done', blocks: false, order: 8 },
};

/** Red states: the item blocks and its runbook is the next thing to open. */
export const isRed = (state: ItemState): boolean => stateTable[state].bucket === 'failing';

/** Values a probe observed, by name: the inputs of the outcome rules and of the message. */
export type Observed = Record<string, unknown>;

/** Everything a probe may use besides its own parameters. */
export interface ProbeContext {
	/** Aborted at the check's deadline: pass it to every socket, request and subprocess. */
	signal: AbortSignal;
	environment: EnvironmentConfig;
	/** Set for checks that fan out per region. */
	region?: RegionConfig;
	/** The value of a secret declared in the environment's `secrets`, by its logical name. */
	secret(name: string): string;
	/**
	 * Marks a credential the probe sends that is not a configured secret (an Authorization value,
	 * a kubeconfig token): the runner redacts it from the result like a secret.
	 */
	conceal?(value: string): void;
	now(): Date;
}

/**
 * A check kind: one module with one job, observing and returning values. It never decides
 * pass or fail (the outcome rules do), and throws `ProbeError` when it cannot observe.
 */
export interface Kind<Params = unknown> {
	name: string;
	/**
	 * Characters kept of an observed string value, by name (default 2000). The runner cuts after
	 * redacting, so a kind returns whole values and never cuts them itself.
	 */
	limits?: Readonly<Record<string, number>>;
	/** Validates the check's `params` in handbook.config.ts. */
	params: z.ZodType<Params>;
	observe(params: Params, ctx: ProbeContext): Promise<Observed>;
}

/** The probe could not observe (network, auth, bad response): the check's status is `error`. */
export class ProbeError extends Error {
	readonly observed: Observed;
	constructor(message: string, observed: Observed = {}) {
		super(message);
		this.name = 'ProbeError';
		this.observed = observed;
	}
}
