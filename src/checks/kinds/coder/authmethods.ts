import { z } from 'zod';
import { ProbeError, type Observed } from '../../types.ts';
import type { CoderApi } from './api.ts';

export const params = z.strictObject({ mode: z.literal('authmethods') });

interface AuthMethods {
	password?: { enabled?: boolean };
	github?: { enabled?: boolean };
	oidc?: { enabled?: boolean };
}

/** The login methods the deployment has enabled. */
export async function observe(api: CoderApi): Promise<Observed> {
	const m = await api.getJson<AuthMethods>('/api/v2/users/authmethods');
	if (!m || typeof m !== 'object' || !('github' in m || 'oidc' in m || 'password' in m)) throw new ProbeError('Coder /api/v2/users/authmethods answered without auth methods');
	return { github: m.github?.enabled === true, oidc: m.oidc?.enabled === true, password: m.password?.enabled === true };
}
