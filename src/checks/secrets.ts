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
 * Removes every configured secret value from text: the last line of defence for messages,
 * observed values, logs and CLI output. Values shorter than 4 characters are not treated as
 * secrets (they would shred ordinary text).
 */
export class Redactor {
	#values: string[];
	constructor(envs: readonly EnvironmentConfig[], source: NodeJS.ProcessEnv = process.env) {
		const vars = new Set(envs.flatMap((e) => Object.values(e.secrets)));
		vars.add('HANDBOOK_FACILITATOR_TOKEN');
		this.#values = [...vars]
			.map((v) => source[v])
			.filter((v): v is string => typeof v === 'string' && v.length >= 4)
			.sort((a, b) => b.length - a.length);
	}

	/** Adds a value learnt at run time (e.g. a generated sign-in token). */
	add(value: string): void {
		if (value.length >= 4 && !this.#values.includes(value)) this.#values.push(value);
	}

	text(s: string): string {
		let out = s;
		for (const v of this.#values) if (out.includes(v)) out = out.split(v).join('[redacted]');
		return out;
	}

	/** Redacts every string inside a JSON-safe value. */
	value<T>(v: T): T {
		if (typeof v === 'string') return this.text(v) as T;
		if (Array.isArray(v)) return v.map((x) => this.value(x)) as T;
		if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x)])) as T;
		return v;
	}
}
