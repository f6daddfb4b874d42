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
