import type { EnvironmentConfig } from './config.ts';
import { ProbeError, type ProbeContext } from './types.ts';

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

const SECRET_REF = /^secret:(.+)$/;

/**
 * Replaces `secret:NAME` values (an HTTP check's headers, a command's env) with
 * `ctx.secret(NAME)`. What comes back (a body, a program's output) is redacted of every configured
 * secret by the runner.
 *
 * @example
 * const headers = resolveSecretRefs({ authorization: 'secret:coderToken' }, ctx, 'header');
 */
export function resolveSecretRefs(refs: Record<string, string> | undefined, ctx: ProbeContext, what: string): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of Object.entries(refs ?? {})) {
		const ref = SECRET_REF.exec(value);
		if (!ref) {
			values[key] = value;
			continue;
		}
		try {
			values[key] = ctx.secret(ref[1]!);
		} catch (err) {
			throw new ProbeError(`${what} ${key}: ${(err as Error).message}`);
		}
	}
	return values;
}
