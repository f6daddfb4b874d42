import { z } from 'zod';
import type { Kind } from '../types.ts';
import { coderApi } from './coder/api.ts';
import * as authmethods from './coder/authmethods.ts';
import * as health from './coder/health.ts';
import * as proxies from './coder/proxies.ts';
import * as provisioners from './coder/provisioners.ts';

export const params = z.discriminatedUnion('mode', [authmethods.params, health.params, proxies.params, provisioners.params]);
type Params = z.output<typeof params>;

/**
 * Reads the environment's Coder deployment (`coder.url`, token from `coder.tokenSecret`), by `mode`:
 * the enabled login methods, the health report, the workspace proxies against the control plane's
 * version, or the provisioner daemons against the capacity the expected attendance needs. Any
 * non-200 answer (401 bad token, 403 not an owner, 404 health check still running) is an error.
 *
 * Observed values, mode `authmethods`:
 * - `github`, `oidc`, `password` (boolean): the login method is enabled.
 *
 * Mode `health` (`/api/v2/debug/health`; dismissed sections are left out):
 * - `severity` (string): "ok", "warning" or "error".
 * - `failingSections` (string), `warningSections` (string): sections at that severity, comma-separated.
 * - `warningCodes` (string): distinct warning codes (EWP03, EDB02…), sorted, comma-separated.
 * - `warnings` (number): warnings in all sections.
 * - `dismissed` (string): dismissed sections.
 *
 * Mode `proxies` (`/api/v2/workspaceproxies` and `/api/v2/buildinfo`; deleted proxies ignored):
 * - `unhealthy` (string): names of proxies whose status is not "ok". `unhealthyCount` (number).
 * - `unhealthyStatus` (string): "name=status, …" of those.
 * - `primaryVersion` (string): the control plane's version.
 * - `versionMismatch` (string): "name=version, …" of proxies on another version (build metadata ignored). `mismatchCount` (number).
 * - `regions` (number): proxies including the primary.
 * - `missing` (string), `missingCount` (number): proxies named by the environment's regions that Coder does not list.
 *
 * Mode `provisioners` (`/api/v2/organizations/{org}/provisionerdaemons`):
 * - `online` (number): daemons not offline. `busy`, `idle`, `offline` (number).
 * - `required` (number): the floor of provisioners for `workshop.expectedAttendance` (capacity table).
 * - `recommended` (number): the table's recommended count (the top of its range).
 * - `expectedAttendance` (number).
 */
const coder: Kind<Params> = {
	name: 'coder',
	params,
	async observe(p, ctx) {
		const api = coderApi(ctx);
		switch (p.mode) {
			case 'authmethods':
				return authmethods.observe(api);
			case 'health':
				return health.observe(api, p.force);
			case 'proxies':
				return proxies.observe(api, ctx);
			case 'provisioners':
				return provisioners.observe(api, ctx, p);
		}
	},
};

export default coder;
