import type { EnvironmentConfig } from '../checks/config.ts';

/** Where the participants' browser self-checks go. */
export interface SelfCheckTargets {
	platform: { title: string; url: string; healthz: string; websocket: string | null };
	echo: string;
}

/**
 * The platform's public address (the Coder access URL of the environment, or its first region),
 * the handbook's WebSocket echo and, where the environment configures one (`selfCheck.websocket`),
 * a WebSocket URL of the platform. From the config, never from a request. The API hands it to the
 * browser, and the pages' Content-Security-Policy allows connections to exactly these.
 */
export function selfCheckTargets(env: EnvironmentConfig): SelfCheckTargets {
	const region = env.regions[0]!;
	const url = new URL(env.coder?.url ?? `https://${region.host}${region.port ? `:${region.port}` : ''}`);
	return {
		platform: { title: url.host, url: url.origin, healthz: new URL('/healthz', url).href, websocket: env.selfCheck?.websocket ?? null },
		echo: '/api/echo',
	};
}

/** The origins the self-checks connect to, for the policy's connect-src. */
export function selfCheckOrigins(env: EnvironmentConfig): string[] {
	const { platform } = selfCheckTargets(env);
	return [platform.url, ...(platform.websocket ? [new URL(platform.websocket).origin] : [])];
}
