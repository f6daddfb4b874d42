import { environmentSchema, type EnvironmentConfig, type RegionConfig } from '../../src/checks/config.ts';
import { expect } from 'vitest';
import { finishText, redactAndCut, Redactor } from '../../src/checks/redact.ts';
import { ProbeError, type Kind, type Observed, type ProbeContext } from '../../src/checks/types.ts';

export interface ProbeContextOptions {
	/** Overrides of the test environment (id "test", one loopback region, no endpoints). */
	environment?: Partial<EnvironmentConfig>;
	/** The region the probe runs for; none unless given. */
	region?: RegionConfig;
	/** Secret values by logical name, as `ctx.secret(name)` returns them. */
	secrets?: Record<string, string>;
	/** The check's deadline: `signal` aborts this long after the context is made. Default 10 s. */
	timeoutMs?: number;
	/** A deadline the test fires itself (see test/support/deadline.ts), instead of `timeoutMs`. */
	signal?: AbortSignal;
	/** The probe's clock. Default: the real one. */
	now?: Date;
}

/** A region on loopback, for tests that need one. */
export const testRegion: RegionConfig = {
	name: 'us-east-2',
	title: 'Test region',
	host: 'coder.example.test',
	wildcard: '*.coder.example.test',
	kubeContext: 'test',
	proxy: 'primary',
};

/**
 * A ProbeContext for a kind's tests: a loopback environment, the given secrets, and a signal that
 * aborts at the deadline like the runner's.
 *
 * @example
 * const ctx = probeContext({ environment: { dns: { servers: [dns.server] } }, secrets: { coderToken: 't0ken' }, timeoutMs: 2_000 });
 * const observed = await http.observe(http.params.parse({ url }), ctx);
 */
export function probeContext(options: ProbeContextOptions = {}): ProbeContext {
	const secrets = options.secrets ?? {};
	// Parsed like a real config, so every default the schema gains is filled in here too.
	const base = environmentSchema.parse({
		title: 'Test environment',
		regions: [options.region ?? testRegion],
		// Declared like a real config: logical name → environment variable.
		secrets: Object.fromEntries(Object.keys(secrets).map((name) => [name, `TEST_${name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`])),
	});
	const environment: EnvironmentConfig = { ...base, id: 'test', ...options.environment };
	const redactor = new Redactor(Object.values(secrets));
	const ctx: ProbeContext = {
		signal: options.signal ?? AbortSignal.timeout(options.timeoutMs ?? 10_000),
		environment,
		region: options.region,
		secret(name) {
			const value = secrets[name];
			if (value === undefined) throw new Error(`secret "${name}" is not set (declare it in the environment's secrets)`);
			return value;
		},
		conceal: (value) => redactor.add(value),
		now: () => (options.now ? new Date(options.now) : new Date()),
	};
	redactors.set(ctx, redactor);
	return ctx;
}

const redactors = new WeakMap<ProbeContext, Redactor>();

/**
 * What the runner makes of a kind's observed values: redacted of the context's secrets and of
 * the credentials the probe concealed, then cut to the kind's limits.
 */
export function atBoundary(observed: Observed, kind: Pick<Kind, 'limits'>, ctx: ProbeContext): Observed {
	return redactAndCut(redactors.get(ctx) ?? new Redactor(), observed, kind.limits);
}

/**
 * Awaits a probe expected to fail, asserts it failed with a ProbeError and returns it with its
 * message as the runner shows it (quoted answers cut to their excerpt).
 */
export async function probeError(promise: Promise<unknown>): Promise<ProbeError> {
	const err = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(err).toBeInstanceOf(ProbeError);
	const probe = err as ProbeError;
	return Object.assign(new ProbeError(finishText(probe.message), probe.observed), { stack: probe.stack });
}
