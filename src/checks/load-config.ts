import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { cadenceSchema, checkSchema, configSchema, environmentIdSchema, environmentSchema, identitySchema, type CadenceConfig, type CheckConfig, type IdentityConfig, type EnvironmentConfig, type HandbookConfigInput } from './config.ts';
import { interpolate, placeholders } from './interpolate.ts';
import { compileRules, type CompiledRule } from './outcome.ts';
import type { Kind } from './types.ts';
import { isUnset, NotConfiguredError, unsetValues, type UnsetValue } from './unset.ts';

/** A check ready to run: config plus its kind and parsed rules. */
export interface ResolvedCheck extends CheckConfig {
	rules: CompiledRule[];
	kindModule: Kind;
}

/** A validated config. */
export interface Handbook {
	file: string;
	defaultEnvironment: string;
	environments: Map<string, EnvironmentConfig>;
	checks: Map<string, ResolvedCheck>;
	cadence: CadenceConfig;
	/** OpenID Connect sign-in, when configured. */
	identity: IdentityConfig | null;
}

/**
 * Whether a check runs in an environment: one it names in `environments`, else every environment
 * that is not `exclusive`.
 *
 * @example
 * appliesTo({ environments: undefined }, { id: 'content-pipeline', exclusive: true }) // → false
 */
export function appliesTo(check: Pick<CheckConfig, 'environments'>, env: Pick<EnvironmentConfig, 'id' | 'exclusive'>): boolean {
	return check.environments ? check.environments.includes(env.id) : !env.exclusive;
}

export interface ConfigIssue {
	path: string;
	message: string;
}

/** A config that cannot be used, with every problem found and where. */
export class ConfigError extends Error {
	readonly issues: ConfigIssue[];
	constructor(file: string, issues: ConfigIssue[]) {
		super(`${file} is invalid:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
		this.name = 'ConfigError';
		this.issues = issues;
	}
}

function zodPath(path: readonly PropertyKey[], input: HandbookConfigInput): string {
	let out = '';
	for (const [i, key] of path.entries()) {
		if (typeof key === 'number') {
			out += `[${key}]`;
			// Name checks by id as well as index: "checks[3] (tls-expiry)".
			if (i === 1 && path[0] === 'checks') {
				const id = (input.checks?.[key] as { id?: unknown } | undefined)?.id;
				if (typeof id === 'string') out += ` (${id})`;
			}
		} else out += (out ? '.' : '') + String(key);
	}
	return out || '(root)';
}

/**
 * Validates a config against the schema and the kinds, reporting every problem at once: schema
 * errors, unknown kinds, kind parameters (checked after placeholder interpolation for every
 * environment and region the check runs in), rule syntax, a missing catch-all, duplicate ids.
 */
export function validateConfig(input: HandbookConfigInput, kinds: Record<string, Kind>, file = 'handbook.config.ts'): Handbook {
	const issues: ConfigIssue[] = [];
	const collect = (result: { success: boolean; error?: z.ZodError }, prefix: readonly PropertyKey[]) => {
		for (const i of result.error?.issues ?? []) issues.push({ path: zodPath([...prefix, ...i.path], input), message: i.message });
	};
	// The top level first (unknown keys, missing sections), then each environment and check on
	// its own, so one broken part does not hide the problems of the others.
	const top = configSchema
		.pick({ defaultEnvironment: true })
		.extend({ environments: z.record(z.string(), z.unknown()), checks: z.array(z.unknown()), cadence: z.unknown().optional(), identity: z.unknown().optional() })
		.strict()
		.safeParse(input);
	if (!top.success) {
		collect(top, []);
		throw new ConfigError(file, issues);
	}
	const cadence = cadenceSchema.safeParse(top.data.cadence);
	if (!cadence.success) collect(cadence, ['cadence']);
	const identity = top.data.identity === undefined ? null : identitySchema.safeParse(top.data.identity);
	if (identity && !identity.success) collect(identity, ['identity']);
	const environments = new Map<string, EnvironmentConfig>();
	for (const [id, raw] of Object.entries(top.data.environments)) {
		const idOk = environmentIdSchema.safeParse(id);
		if (!idOk.success) collect(idOk, ['environments', id]);
		const env = environmentSchema.safeParse(raw);
		if (env.success) environments.set(id, withoutUnset({ ...env.data, id }));
		else collect(env, ['environments', id]);
	}
	const config = { defaultEnvironment: top.data.defaultEnvironment, checks: top.data.checks.map((raw, index) => ({ raw, index, parsed: checkSchema.safeParse(raw) })) };
	if (!environments.has(config.defaultEnvironment) && !(config.defaultEnvironment in top.data.environments)) {
		issues.push({ path: 'defaultEnvironment', message: `"${config.defaultEnvironment}" is not one of the environments (${Object.keys(top.data.environments).join(', ')})` });
	}
	const checks = new Map<string, ResolvedCheck>();
	for (const { parsed, index } of config.checks) {
		if (!parsed.success) {
			collect(parsed, ['checks', index]);
			continue;
		}
		const check = parsed.data;
		const at = `checks[${index}] (${check.id})`;
		if (checks.has(check.id)) issues.push({ path: `${at}.id`, message: `duplicate check id "${check.id}"` });
		const kind = kinds[check.kind];
		if (!kind) {
			issues.push({ path: `${at}.kind`, message: `unknown kind "${check.kind}"; known kinds: ${Object.keys(kinds).sort().join(', ')}` });
			continue;
		}
		let rules: CompiledRule[] = [];
		check.outcomes.forEach((rule, r) => {
			const last = r === check.outcomes.length - 1;
			if (last && rule.when !== undefined) issues.push({ path: `${at}.outcomes[${r}]`, message: 'the last rule must be a catch-all without `when`' });
			if (!last && rule.when === undefined) issues.push({ path: `${at}.outcomes[${r}]`, message: 'only the last rule may omit `when`; rules after it would never run' });
		});
		try {
			rules = compileRules(check.outcomes);
		} catch (err) {
			const r = check.outcomes.findIndex((rule) => {
				try {
					compileRules([rule]);
					return false;
				} catch {
					return true;
				}
			});
			issues.push({ path: `${at}.outcomes[${r}].when`, message: `${(err as Error).message} in "${check.outcomes[r]?.when}"` });
		}
		const envIds = check.environments ?? [...environments.values()].filter((env) => appliesTo(check, env)).map((env) => env.id);
		for (const envId of envIds) {
			const env = environments.get(envId);
			if (!env) {
				if (!(envId in top.data.environments)) issues.push({ path: `${at}.environments`, message: `unknown environment "${envId}"` });
				continue;
			}
			if (check.perRegion && env.regions.length === 0) {
				issues.push({ path: `${at}.perRegion`, message: `the check runs per region but environment ${envId} has no regions (give it regions, or leave the check out of it with \`environments\`)` });
				continue;
			}
			for (const region of check.perRegion ? env.regions : [undefined]) {
				const where = `environment ${envId}${region ? `, region ${region.name}` : ''}`;
				try {
					// A check that needs an unset value is not validated: it reports "not configured" when run.
					if (unsetNeeded(check, env).length) continue;
					const result = kind.params.safeParse(interpolate(effectiveParams(check, env), placeholders(env, region)));
					if (!result.success) {
						for (const i of result.error.issues) issues.push({ path: `${at}.params${i.path.length ? '.' + i.path.join('.') : ''}`, message: `${i.message} (${where})` });
					}
				} catch (err) {
					issues.push({ path: `${at}.${(err as Error).message.split(':')[0]}`, message: `${(err as Error).message.split(': ').slice(1).join(': ')} (${where})` });
				}
			}
		}
		checks.set(check.id, { ...check, rules, kindModule: kind });
	}
	for (const env of environments.values()) {
		for (const id of Object.keys(env.overrides)) {
			if (!config.checks.some((c) => (c.raw as { id?: unknown })?.id === id)) issues.push({ path: `environments.${env.id}.overrides.${id}`, message: `no check "${id}" to override` });
		}
	}
	if (issues.length) throw new ConfigError(file, issues);
	return { file, defaultEnvironment: config.defaultEnvironment, environments, checks, cadence: cadence.data!, identity: identity?.data ?? null };
}

const services = ['coder', 'litellm', 'prometheus', 'alertmanager', 'grafana'] as const;

/** The service each kind talks to through the environment (not through its params). */
const serviceOfKind: Record<string, (typeof services)[number]> = { 'litellm-key': 'litellm', prometheus: 'prometheus', alertmanager: 'alertmanager', coder: 'coder', 'coder-workspace': 'coder' };

/**
 * An environment with its unset service endpoints taken out (as if absent, so nothing probes a
 * marker) and listed in `unset`, with the unset values of its check overrides.
 */
function withoutUnset(env: EnvironmentConfig): EnvironmentConfig {
	const out: EnvironmentConfig = { ...env, unset: [] };
	for (const service of services) {
		const url = env[service]?.url;
		if (isUnset(url)) {
			out.unset!.push(...unsetValues(url, `environments.${env.id}.${service}.url`));
			out[service] = undefined;
		}
	}
	for (const [id, o] of Object.entries(env.overrides)) out.unset!.push(...unsetValues(o.params, `environments.${env.id}.overrides.${id}.params`));
	env.regions.forEach((r, i) => out.unset!.push(...unsetValues(r.loadBalancer, `environments.${env.id}.regions[${i}] (${r.name}).loadBalancer`)));
	return out;
}

/**
 * The unset values a check needs in an environment: markers in its params (its own or the
 * environment's overrides), `{env.<service>.url}` placeholders and the service its kind reads,
 * where those are unset.
 *
 * @example
 * unsetNeeded(litellmReady, aiCoderCom) // → [{ path: 'environments.ai.coder.com.litellm.url', reason: 'the LiteLLM ALB host…' }]
 */
export function unsetNeeded(check: Pick<CheckConfig, 'id' | 'kind' | 'params'>, env: EnvironmentConfig): UnsetValue[] {
	const params = { ...check.params, ...env.overrides[check.id]?.params };
	const needed = unsetValues(params, `checks.${check.id}.params`).map((v) =>
		env.overrides[check.id] && v.path.split('.')[3]! in env.overrides[check.id]!.params ? { ...v, path: v.path.replace(`checks.${check.id}.params`, `environments.${env.id}.overrides.${check.id}.params`) } : v,
	);
	const text = JSON.stringify(params);
	// A region's load balancer, unset or not given in any region of the environment, leaves the check unconfigured.
	if (text.includes('{region.loadBalancer}')) {
		needed.push(...(env.unset ?? []).filter((u) => u.path.endsWith('.loadBalancer')));
		env.regions.forEach((r, i) => {
			if (r.loadBalancer === undefined) needed.push({ path: `environments.${env.id}.regions[${i}] (${r.name}).loadBalancer`, reason: "not given: the region's NLB hostname or address" });
		});
	}
	for (const service of services) {
		const unsetUrl = env.unset?.find((u) => u.path === `environments.${env.id}.${service}.url`);
		if (unsetUrl && (text.includes(`{env.${service}.url}`) || serviceOfKind[check.kind] === service)) needed.push(unsetUrl);
	}
	return needed;
}

/**
 * A check's parameters in an environment: its own, with the environment's overrides on top.
 * Throws NotConfiguredError when the check needs a value that is still unset, so the runner
 * reports `error: not configured` instead of probing a guess.
 */
export function effectiveParams(check: CheckConfig, env: EnvironmentConfig): Record<string, unknown> {
	const needed = unsetNeeded(check, env);
	if (needed.length) throw new NotConfiguredError(needed);
	return { ...check.params, ...env.overrides[check.id]?.params };
}

/**
 * Every value still to set, by environment: what the server and the CLI print at start.
 *
 * @example
 * unsetReport(handbook, 'ai.coder.com') // → ['environments.ai.coder.com.litellm.url: the LiteLLM ALB host…', …]
 */
export function unsetReport(handbook: Pick<Handbook, 'environments'>, envId?: string): string[] {
	return [...handbook.environments.values()].filter((env) => envId === undefined || env.id === envId).flatMap((env) => (env.unset ?? []).map((u) => `${u.path}: ${u.reason}`));
}

/** The config file in use: $HANDBOOK_CONFIG, else handbook.config.ts in the working directory. */
export function configPath(explicit?: string): string {
	return resolve(explicit ?? process.env.HANDBOOK_CONFIG ?? 'handbook.config.ts');
}

/**
 * Imports and validates the config file. Node 24 runs the TypeScript config natively.
 * Throws ConfigError (with every problem) for anything wrong, including a file that does not load.
 */
export async function loadConfig(kinds: Record<string, Kind>, explicit?: string): Promise<Handbook> {
	const file = configPath(explicit);
	if (!existsSync(file)) throw new ConfigError(file, [{ path: '(file)', message: 'no such file (set HANDBOOK_CONFIG or run from the project directory)' }]);
	let mod: { default?: HandbookConfigInput };
	try {
		mod = await import(/* @vite-ignore */ pathToFileURL(file).href);
	} catch (err) {
		throw new ConfigError(file, [{ path: '(file)', message: `cannot be loaded: ${(err as Error).message.split('\n')[0]}` }]);
	}
	if (!mod.default || typeof mod.default !== 'object') throw new ConfigError(file, [{ path: '(file)', message: 'must `export default defineConfig({...})`' }]);
	return validateConfig(mod.default, kinds, file);
}

