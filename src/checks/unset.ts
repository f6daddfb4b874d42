import { ProbeError } from './types.ts';

const prefix = 'unset: ';

/**
 * Marks a config value the sources do not give: where it should come from, instead of a guess.
 * The server and the CLI list every unset value at start, and a check that needs one reports
 * `error` ("not configured: …") without probing anything.
 *
 * @example
 * litellm: { url: unset('the LiteLLM ALB host (Terraform host_name, a sensitive variable)') }
 */
export function unset(reason: string): string {
	return prefix + reason;
}

/** Whether a config value is an `unset(…)` marker. */
export function isUnset(value: unknown): boolean {
	return typeof value === 'string' && value.startsWith(prefix);
}

/** A value still to set: where it is in the config and what it should be. */
export interface UnsetValue {
	path: string;
	reason: string;
}

/**
 * Every `unset(…)` marker inside a value (params, a service block), with its path.
 *
 * @example
 * unsetValues({ query: unset('the workspaces namespace') }, 'params') // → [{ path: 'params.query', reason: 'the workspaces namespace' }]
 */
export function unsetValues(value: unknown, path: string): UnsetValue[] {
	if (typeof value === 'string' && isUnset(value)) return [{ path, reason: value.slice(prefix.length) }];
	if (Array.isArray(value)) return value.flatMap((v, i) => unsetValues(v, `${path}[${i}]`));
	if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => unsetValues(v, `${path}.${k}`));
	return [];
}

/** A check needs a value that is still unset: it is not run, and its result is `error`. */
export class NotConfiguredError extends ProbeError {
	constructor(values: readonly UnsetValue[]) {
		super(`not configured: ${values.map((v) => `${v.path} is unset (${v.reason})`).join('; ')}. Set it in handbook.config.ts`);
		this.name = 'NotConfiguredError';
	}
}
