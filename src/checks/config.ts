import { z } from 'zod';
import { isUnset, type UnsetValue } from './unset.ts';

const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const absoluteUrl = z.url();
// An absolute URL, or `unset('why')` where the sources do not give one (src/checks/unset.ts).
const url = z.string().refine((s) => isUnset(s) || absoluteUrl.safeParse(s).success, { error: 'must be an absolute URL such as "https://ai.coder.com", or unset("where it comes from") when it is not known yet' });

/** One region of an environment: a cluster with its host, wildcard host and kube context. */
export const regionSchema = z.strictObject({
	name: z.string().regex(kebab, { error: 'a region name is kebab-case, e.g. "us-east-2"' }),
	title: z.string().min(1),
	/** Public host of the region: the control plane's access URL host or a workspace proxy's. */
	host: z.string().min(1),
	/** Wildcard host for workspace apps, e.g. "*.ai.coder.com". */
	wildcard: z.string().regex(/^\*[.-]/, { error: 'a wildcard host starts with "*." e.g. "*.ai.coder.com"' }),
	kubeContext: z.string().min(1),
	/** The region's Coder workspace proxy name ("primary" for the control plane). */
	proxy: z.string().min(1),
	/** Addresses (or CNAME targets) the region's names must resolve to, when known. */
	expectedAddresses: z.array(z.string()).optional(),
	/** The region's load balancer (NLB hostname, or an address) its names must resolve to: `{region.loadBalancer}`; unset('…') until known. */
	loadBalancer: z.string().min(1).optional(),
	/** Port of the region's HTTPS endpoint, when not 443 (local test environments). */
	port: z.number().int().min(1).max(65535).optional(),
});

const service = z.strictObject({ url });

/** One environment: regions, service endpoints and the names of the secrets it needs. */
export const environmentSchema = z.strictObject({
	title: z.string().min(1),
	/** Clusters of the environment; an environment without clusters (a pipeline watched through Prometheus) leaves this out. */
	regions: z.array(regionSchema).min(1, { error: 'an environment needs at least one region' }).default([]),
	/**
	 * Only checks that name this environment in their `environments` apply here: an environment of
	 * another program (the launch pipeline) that the workshop checks do not concern.
	 */
	exclusive: z.boolean().default(false),
	coder: z.strictObject({ url, organization: z.string().optional(), tokenSecret: z.string().default('coderToken') }).optional(),
	litellm: z.strictObject({ url, keySecret: z.string().default('litellmKey'), adminKeySecret: z.string().optional() }).optional(),
	prometheus: service.optional(),
	alertmanager: service.optional(),
	grafana: service.optional(),
	/** kubeconfig file; default $KUBECONFIG, then ~/.kube/config. */
	kubeconfig: z.string().optional(),
	/** Resolvers to use instead of the system's, as "ip" or "ip:port". */
	dns: z.strictObject({ servers: z.array(z.string().min(1)).min(1) }).optional(),
	/** An extra CA (PEM file) to trust, e.g. a private CA of a staging environment. */
	tls: z.strictObject({ caFile: z.string().min(1) }).optional(),
	/** Logical secret name → the environment variable that holds it. Values never appear in config. */
	secrets: z.record(
		z.string(),
		z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'a secret is named by its environment variable, e.g. "CODER_SESSION_TOKEN", never by its value' }),
	).default({}),
	/** Per-check parameter overrides for this environment (a different template, namespace, query…). */
	overrides: z.record(z.string(), z.strictObject({ params: z.record(z.string(), z.unknown()) })).default({}),
	/** The participants' browser self-check: a WebSocket URL of the platform to open, besides the handbook's echo. */
	selfCheck: z
		.strictObject({
			websocket: z.url({ protocol: /^wss?$/, error: 'must be a ws:// or wss:// URL such as "wss://ai.coder.com/api/v2/buildinfo"' }).optional(),
		})
		.optional(),
	/** Numbers of this month's workshop that checks compare against. */
	workshop: z
		.strictObject({
			expectedAttendance: z.number().int().min(1).default(15),
			/** Workspace size of the heaviest template. */
			template: z.strictObject({ cpu: z.number().positive(), memoryGiB: z.number().positive() }).default({ cpu: 4, memoryGiB: 8 }),
			/** The workshop window, ISO date-times; key rotation must be paused inside it. */
			window: z.strictObject({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) }).optional(),
		})
		.prefault({}),
});

export type RegionConfig = z.output<typeof regionSchema>;
/** An environment as validated; `unset` lists its values still to set (see src/checks/unset.ts). */
export type EnvironmentConfig = z.output<typeof environmentSchema> & { id: string; unset?: UnsetValue[] };

const statuses = ['pass', 'warn', 'fail', 'error', 'skipped'] as const;

/** One ordered outcome rule: `{ status: 'fail', when: 'daysLeft < 7', message: '…{daysLeft}…' }`. */
export const outcomeSchema = z.strictObject({
	status: z.enum(statuses),
	when: z.string().min(1).optional(),
	message: z.string().min(1),
});

/** A named check: what to observe (kind + params) and how to judge it (ordered outcomes). */
export const checkSchema = z.strictObject({
	id: z.string().regex(kebab, { error: 'a check id is kebab-case, e.g. "litellm-key-expiry"' }),
	title: z.string().min(1),
	kind: z.string().min(1),
	/** Kind parameters; strings may use {region.host}, {region.origin}, {region.wildcardBase}, {region.name}, {region.kubeContext}, {random}. */
	params: z.record(z.string(), z.unknown()).default({}),
	/** Run once per region of the environment; the worst region decides the check. */
	perRegion: z.boolean().default(false),
	/** Environments the check applies to; default: every environment. */
	environments: z.array(z.string()).optional(),
	timeoutMs: z.number().int().min(100).max(900_000).default(10_000),
	/** A result older than this shows as stale. */
	maxAgeMinutes: z.number().positive().default(60),
	/** Identical requests within this window get the same result instead of a new probe. */
	cacheSeconds: z.number().min(0).max(3600).default(15),
	access: z.enum(['public', 'facilitator']).default('facilitator'),
	/** The runbook section to open when the check is red: a site path such as "/incidents/x/#diagnosis". */
	runbook: z.string().regex(/^\/\S*$/, { error: 'a runbook link is a site path such as "/incidents/workspace-restart-loop/#diagnosis"' }),
	outcomes: z.array(outcomeSchema).min(1, { error: 'a check needs outcome rules, ending with a catch-all (a rule without `when`)' }),
});

export const environmentIdSchema = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, { error: 'an environment id is lowercase, e.g. "ai.coder.com"' });

const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

/** When the monthly workshops happen: the calendar and the retrospectives' workshop window read it. */
export const cadenceSchema = z
	.strictObject({
		/** The day of each month: "first tuesday", "second wednesday", "last friday". */
		rule: z
			.string()
			.transform((s) => s.trim().toLowerCase().replace(/\s+/g, ' '))
			.pipe(z.string().regex(new RegExp(`^(first|second|third|fourth|last) (${weekdays.join('|')})$`), { error: 'a cadence rule names a week and a weekday, e.g. "first tuesday" or "last friday"' }))
			.default('first tuesday'),
		/** Start time on that day, 24-hour clock, in `timezone`. */
		time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a time is HH:MM on a 24-hour clock, e.g. "16:00"' }).default('16:00'),
		durationMinutes: z.number().int().min(15).max(480).default(90),
		/** IANA time zone of `time`. */
		timezone: z.string().refine(isTimeZone, { error: 'a time zone is an IANA name such as "UTC", "Europe/London" or "America/Chicago"' }).default('UTC'),
		title: z.string().min(1).default('Stress-test workshop'),
	})
	.prefault({});

export type CadenceConfig = z.output<typeof cadenceSchema>;

/**
 * Sign-in through the team's identity provider (OpenID Connect, authorization code with PKCE).
 * Off unless given. The client secret is named by environment variable, never written here.
 */
export const identitySchema = z.strictObject({
	issuer: z.url({ error: 'the issuer is the identity provider\'s URL, e.g. "https://coder.okta.com/oauth2/default"' }),
	clientId: z.string().min(1),
	/** The environment variable holding the client secret (none: a public client with PKCE only). */
	clientSecretEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, { error: 'name the environment variable that holds the secret, e.g. "HANDBOOK_OIDC_CLIENT_SECRET"' }).optional(),
	scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email', 'groups']),
	/** The ID token claim that lists the person's groups. */
	groupsClaim: z.string().min(1).default('groups'),
	/** Group → the roles it gives; a person in no mapped group signs in as a viewer, and is told why. */
	roles: z.record(z.string().min(1), z.array(z.enum(['facilitator', 'on-call', 'approver'])).min(1)),
});
export type IdentityConfig = z.output<typeof identitySchema>;

export const configSchema = z.strictObject({
	defaultEnvironment: z.string().min(1),
	environments: z.record(environmentIdSchema, environmentSchema),
	checks: z.array(checkSchema),
	/** The monthly cadence (default: the first Tuesday, 16:00 UTC, 90 minutes). */
	cadence: cadenceSchema,
	/** Optional: OpenID Connect sign-in (see identitySchema). */
	identity: identitySchema.optional(),
});

/** What handbook.config.ts exports (defaults not yet applied). */
export type HandbookConfigInput = z.input<typeof configSchema>;
export type CheckConfig = z.output<typeof checkSchema>;
export type OutcomeConfig = z.output<typeof outcomeSchema>;
