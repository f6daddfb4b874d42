import { z } from 'zod';
import { allSettledOrThrow } from '../../settle.ts';
import { ProbeError, type Observed, type ProbeContext } from '../../types.ts';
import type { CoderApi } from './api.ts';

export const params = z.strictObject({ mode: z.literal('proxies') });

interface WorkspaceProxy {
	name: string;
	deleted?: boolean;
	version?: string;
	status?: { status?: string };
}

/** `v2.24.2+3f0e2c1` → `v2.24.2`: build metadata does not make two versions differ. */
function trimmedVersion(v: string): string {
	return v.replace(/\+.*$/, '').replace(/-devel.*$/, '');
}
/** The workspace proxies: their health, their versions against the control plane's, the regions' missing ones. */
export async function observe(api: CoderApi, ctx: ProbeContext): Promise<Observed> {
	const [list, build] = await allSettledOrThrow([
		api.getJson<{ regions?: WorkspaceProxy[] } | WorkspaceProxy[]>('/api/v2/workspaceproxies'),
		api.getJson<{ version?: string }>('/api/v2/buildinfo'),
	]);
	// Older servers answered a bare array; current ones `{ regions: [...] }` with the primary first.
	const all = Array.isArray(list) ? list : list?.regions;
	if (!Array.isArray(all)) throw new ProbeError('Coder /api/v2/workspaceproxies answered without a regions list');
	if (typeof build?.version !== 'string') throw new ProbeError('Coder /api/v2/buildinfo answered without a version');
	const proxies = all.filter((p) => !p.deleted);
	const unhealthy = proxies.filter((p) => p.status?.status !== 'ok');
	const primary = trimmedVersion(build.version);
	// An empty version is a proxy not connected yet (Coder's own health check ignores it too); the primary's is computed.
	const mismatched = proxies.filter((p) => p.name !== 'primary' && p.version && trimmedVersion(p.version) !== primary);
	const names = new Set(proxies.map((p) => p.name));
	const missing = [...new Set(ctx.environment.regions.map((r) => r.proxy))].filter((n) => !names.has(n));
	return {
		unhealthy: unhealthy.map((p) => p.name).join(', '),
		unhealthyCount: unhealthy.length,
		unhealthyStatus: unhealthy.map((p) => `${p.name}=${p.status?.status ?? 'unknown'}`).join(', '),
		primaryVersion: build.version,
		versionMismatch: mismatched.map((p) => `${p.name}=${p.version}`).join(', '),
		mismatchCount: mismatched.length,
		regions: proxies.length,
		missing: missing.join(', '),
		missingCount: missing.length,
	};
}
