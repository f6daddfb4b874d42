import { randomBytes } from 'node:crypto';
import type { EnvironmentConfig, RegionConfig } from './config.ts';
import { isUnset } from './unset.ts';

/** A fresh random DNS label, so wildcard checks never hit a cached or special-cased name. */
export function randomLabel(): string {
	const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
	return 'hb' + [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** The placeholders a check's params may use, for an environment and (per-region checks) a region. */
export function placeholders(env: EnvironmentConfig, region?: RegionConfig): Record<string, string> {
	const vars: Record<string, string> = {
		'env.id': env.id,
		random: randomLabel(),
	};
	for (const service of ['coder', 'litellm', 'prometheus', 'alertmanager', 'grafana'] as const) {
		const url = env[service]?.url;
		if (url && !isUnset(url)) vars[`env.${service}.url`] = url.replace(/\/$/, '');
	}
	if (region) {
		const portSuffix = region.port ? `:${region.port}` : '';
		Object.assign(vars, {
			'region.name': region.name,
			'region.host': region.host,
			'region.origin': region.host + portSuffix,
			'region.portSuffix': portSuffix,
			'region.port': String(region.port ?? 443),
			'region.wildcard': region.wildcard,
			'region.wildcardBase': region.wildcard.replace(/^\*[.-]?/, ''),
			'region.kubeContext': region.kubeContext,
			'region.proxy': region.proxy,
		});
		if (region.loadBalancer) vars['region.loadBalancer'] = region.loadBalancer;
	}
	return vars;
}

/**
 * Replaces `{name}` placeholders in every string of a params object. Unknown placeholders throw,
 * naming the parameter, so a typo never reaches a probe. A string that is exactly one placeholder
 * with a numeric value (`"{region.port}"`) becomes that number.
 *
 * @example
 * interpolate({ url: 'https://{region.origin}/healthz' }, vars) // → { url: 'https://oregon-proxy.ai.coder.com/healthz' }
 */
export function interpolate<T>(value: T, vars: Record<string, string>, path = 'params'): T {
	if (typeof value === 'string') {
		const whole = value.match(/^\{([a-zA-Z][\w.]*)\}$/);
		if (whole && /^\d+$/.test(vars[whole[1]!] ?? '')) return Number(vars[whole[1]!]) as T;
		return value.replace(/\{([a-zA-Z][\w.]*)\}/g, (_, name: string) => {
			if (!(name in vars)) {
				const known = Object.keys(vars).map((k) => `{${k}}`).join(', ');
				throw new Error(`${path}: unknown placeholder {${name}} (known here: ${known})`);
			}
			return vars[name]!;
		}) as T;
	}
	if (Array.isArray(value)) return value.map((v, i) => interpolate(v, vars, `${path}[${i}]`)) as T;
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars, `${path}.${k}`)])) as T;
	}
	return value;
}
