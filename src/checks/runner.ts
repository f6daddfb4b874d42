import pLimit from 'p-limit';
import type { EnvironmentConfig, RegionConfig } from './config.ts';
import { interpolate, placeholders } from './interpolate.ts';
import { appliesTo, effectiveParams, type Handbook, type ResolvedCheck } from './load-config.ts';
import { evaluateOutcome } from './outcome.ts';
import { finishText, redactAndCut, Redactor } from './redact.ts';
import { configuredSecretValues, secretResolver } from './secrets.ts';
import { ProbeError, statusRank, type Observed, type Status } from './types.ts';

/** The result of one check in one region (region null for checks that do not fan out). */
export interface CheckResult {
	checkId: string;
	environment: string;
	region: string | null;
	status: Status;
	message: string;
	observed: Observed;
	durationMs: number;
	startedAt: string;
	finishedAt: string;
	/** True when served from the short result cache or a concurrent identical probe. */
	shared?: boolean;
}

/** Replaces a probe: rehearsals return scripted outcomes through this, never touching targets. */
export type ProbeOverride = (check: ResolvedCheck, env: EnvironmentConfig, region: RegionConfig | undefined) => CheckResult | null;

export interface EngineOptions {
	now?: () => Date;
	/** Called once per real probe (tests and benchmarks count upstream calls with it). */
	onProbe?: (checkId: string, region: string | null) => void;
	/** Secret values come from here (default process.env). */
	secretsSource?: NodeJS.ProcessEnv;
}

/** The worst of several statuses (error > fail > warn > pass > skipped). */
export function worstStatus(statuses: readonly Status[]): Status {
	return statuses.reduce<Status>((worst, s) => (statusRank[s] > statusRank[worst] ? s : worst), 'skipped');
}

/**
 * Runs checks: one probe per check and region under a deadline that aborts its sockets and
 * subprocesses, identical concurrent requests sharing one probe, and a short result cache.
 */
export class Engine {
	readonly handbook: Handbook;
	readonly redactor: Redactor;
	#now: () => Date;
	#onProbe?: EngineOptions['onProbe'];
	#secrets: NodeJS.ProcessEnv;
	#inflight = new Map<string, Promise<CheckResult>>();
	#cache = new Map<string, { result: CheckResult; until: number }>();

	constructor(handbook: Handbook, options: EngineOptions = {}) {
		this.handbook = handbook;
		this.#now = options.now ?? (() => new Date());
		this.#onProbe = options.onProbe;
		this.#secrets = options.secretsSource ?? process.env;
		this.redactor = new Redactor(configuredSecretValues([...handbook.environments.values()], this.#secrets));
	}

	environment(id: string | undefined): EnvironmentConfig {
		const envId = id ?? this.handbook.defaultEnvironment;
		const env = this.handbook.environments.get(envId);
		if (!env) throw new Error(`unknown environment "${envId}"; known: ${[...this.handbook.environments.keys()].join(', ')}`);
		return env;
	}

	check(id: string): ResolvedCheck {
		const check = this.handbook.checks.get(id);
		if (!check) throw new Error(`unknown check "${id}"`);
		return check;
	}

	/** Whether a check applies to an environment. */
	appliesTo(check: ResolvedCheck, env: EnvironmentConfig): boolean {
		return appliesTo(check, env);
	}

	/**
	 * Runs one check in an environment: one result per region for per-region checks, else one.
	 * `fresh` skips the result cache (but still joins an identical probe already under way).
	 */
	async run(checkId: string, envId?: string, options: { fresh?: boolean; override?: ProbeOverride } = {}): Promise<CheckResult[]> {
		const check = this.check(checkId);
		const env = this.environment(envId);
		if (!this.appliesTo(check, env)) {
			const at = this.#now().toISOString();
			return [{ checkId, environment: env.id, region: null, status: 'skipped', message: `not defined for ${env.id}`, observed: {}, durationMs: 0, startedAt: at, finishedAt: at }];
		}
		const regions = check.perRegion ? env.regions : [undefined];
		return Promise.all(regions.map((region) => this.#runOne(check, env, region, options)));
	}

	/** Runs several checks with at most `concurrency` at once (p-limit); resolves when all are done. */
	async runAll(
		checkIds: readonly string[],
		envId?: string,
		options: { concurrency?: number; fresh?: boolean; override?: ProbeOverride; onResult?: (results: CheckResult[]) => void } = {},
	): Promise<Map<string, CheckResult[]>> {
		const limit = pLimit(Math.max(1, options.concurrency ?? 16));
		const pairs = await Promise.all(
			checkIds.map((id) =>
				limit(async () => {
					const results = await this.run(id, envId, options);
					options.onResult?.(results);
					return [id, results] as const;
				}),
			),
		);
		return new Map(pairs);
	}

	/**
	 * The fresh cached results of a check in an environment (every region), or null when any
	 * region would need a probe: lets callers answer without recording the same result again.
	 */
	cached(checkId: string, envId?: string): CheckResult[] | null {
		const check = this.check(checkId);
		const env = this.environment(envId);
		if (!this.appliesTo(check, env)) return null;
		const out: CheckResult[] = [];
		for (const region of check.perRegion ? env.regions : [undefined]) {
			const hit = this.#cache.get(`${env.id}\u0000${check.id}\u0000${region?.name ?? ''}`);
			if (!hit || hit.until <= Date.now()) return null;
			out.push({ ...hit.result, shared: true });
		}
		return out;
	}

	#runOne(check: ResolvedCheck, env: EnvironmentConfig, region: RegionConfig | undefined, options: { fresh?: boolean; override?: ProbeOverride }): Promise<CheckResult> {
		const scripted = options.override?.(check, env, region);
		if (scripted) return Promise.resolve(scripted);
		const key = `${env.id}\u0000${check.id}\u0000${region?.name ?? ''}`;
		const cached = this.#cache.get(key);
		if (!options.fresh && cached && cached.until > Date.now()) return Promise.resolve({ ...cached.result, shared: true });
		const running = this.#inflight.get(key);
		if (running) return running.then((r) => ({ ...r, shared: true }));
		const probe = this.#probe(check, env, region).then((result) => {
			this.#inflight.delete(key);
			if (check.cacheSeconds > 0) this.#cache.set(key, { result, until: Date.now() + check.cacheSeconds * 1000 });
			return result;
		});
		this.#inflight.set(key, probe);
		return probe;
	}

	async #probe(check: ResolvedCheck, env: EnvironmentConfig, region: RegionConfig | undefined): Promise<CheckResult> {
		this.#onProbe?.(check.id, region?.name ?? null);
		const startedAt = this.#now();
		const started = performance.now();
		const controller = new AbortController();
		let timer: NodeJS.Timeout | undefined;
		const deadline = new Promise<never>((_, reject) => {
			timer = setTimeout(() => {
				// Settle the race before aborting: the kind's own abort error must not win it.
				reject(new ProbeError(`no answer within the ${formatMs(check.timeoutMs)} deadline; the probe was stopped`));
				controller.abort(new Error('deadline'));
			}, check.timeoutMs);
		});
		let status: Status;
		let message: string;
		let observed: Observed = {};
		// Credentials the probe sends besides the configured secrets are learnt here (ctx.conceal).
		const redactor = this.redactor.child();
		try {
			const params = check.kindModule.params.parse(interpolate(effectiveParams(check, env), placeholders(env, region)));
			const ctx = { signal: controller.signal, environment: env, region, secret: secretResolver(env, this.#secrets), conceal: (value: string) => redactor.add(value), now: this.#now };
			const observing = check.kindModule.observe(params, ctx);
			// A probe that fails after its deadline has already been answered for: ignore its rejection.
			observing.catch(() => {});
			observed = await Promise.race([observing, deadline]);
			// Rules may compare with this month's numbers: `value > workshop.expectedAttendance`.
			({ status, message } = evaluateOutcome(check.rules, { workshop: env.workshop, region: region?.name ?? null, ...observed }));
		} catch (err) {
			status = 'error';
			message = err instanceof Error ? err.message : String(err);
			if (err instanceof ProbeError) observed = err.observed;
		} finally {
			clearTimeout(timer);
			if (!controller.signal.aborted) controller.abort(new Error('done'));
		}
		// The redaction boundary: everything the probe produced is redacted, then cut to length.
		return {
			checkId: check.id,
			environment: env.id,
			region: region?.name ?? null,
			status,
			message: finishText(redactor.text(message), MAX_MESSAGE),
			observed: redactAndCut(redactor, observed, check.kindModule.limits),
			durationMs: Math.round(performance.now() - started),
			startedAt: startedAt.toISOString(),
			finishedAt: this.#now().toISOString(),
		};
	}
}

/** Characters of a result's message that are kept (after redaction). */
const MAX_MESSAGE = 1_000;

function formatMs(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
