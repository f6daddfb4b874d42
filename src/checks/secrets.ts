import type { EnvironmentConfig } from './config.ts';
import { ProbeError } from './types.ts';

/**
 * Resolves a secret of an environment by its logical name from the environment variable the
 * config names. The error names the variable, never a value.
 */
export function secretResolver(env: EnvironmentConfig, source: NodeJS.ProcessEnv = process.env): (name: string) => string {
	return (name) => {
		const variable = env.secrets[name];
		if (!variable) throw new ProbeError(`the environment "${env.id}" declares no secret "${name}" (add it under secrets in handbook.config.ts)`);
		const value = source[variable];
		if (!value) throw new ProbeError(`secret "${name}" is not set: export ${variable} before starting the handbook`);
		return value;
	};
}

/**
 * The values of every secret the config names (all environments) and of the facilitator token:
 * what the engine's `Redactor` removes from everything that leaves a check, a log or a response.
 */
export function configuredSecretValues(envs: readonly EnvironmentConfig[], source: NodeJS.ProcessEnv = process.env): string[] {
	const vars = new Set(envs.flatMap((e) => Object.values(e.secrets)));
	vars.add('HANDBOOK_FACILITATOR_TOKEN');
	vars.add('HANDBOOK_METRICS_TOKEN');
	return [...vars].map((v) => source[v]).filter((v): v is string => typeof v === 'string' && v.length > 0);
}
