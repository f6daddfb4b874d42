// The handbook's environments and checks. Validated at start (`npm start`, `npx handbook …`):
// a mistake is refused with every problem and its path. Secrets are named by environment
// variable only, never written here. Every number is a default to adjust month to month.
// Names come from the program's documents and Terraform (shared/reference/source): hosts from
// the CloudFlare records, namespaces and deployments from the runbook's commands and infra/.
// What they do not give is `unset(…)`: the server and the CLI list it at start, and a check that
// needs it reports "not configured" instead of probing a guess.
import { defineConfig } from './src/checks/define-config.ts';
import { unset } from './src/checks/unset.ts';

const rb = {
	restart: '/incidents/workspace-restart-loop/',
	routing: '/incidents/subdomain-routing-failure/',
	gateway: '/incidents/ai-gateway-auth-failure/',
	contention: '/incidents/resource-contention/',
	image: '/incidents/image-pull-failure/',
	provisioner: '/incidents/provisioner-failure/',
	incidents: '/incidents/',
};

export default defineConfig({
	defaultEnvironment: 'ai.coder.com',
	environments: {
		'ai.coder.com': {
			title: 'ai.coder.com (workshop platform)',
			regions: [
				// CloudFlare points each pair of names at its region's NLB; the NLB hostnames are generated (Terraform output `nlb_hostname`).
				{ name: 'us-east-2', title: 'Ohio (control plane)', host: 'ai.coder.com', wildcard: '*.ai.coder.com', kubeContext: 'us-east-2', proxy: 'primary', loadBalancer: unset('the us-east-2 NLB hostname (Terraform output nlb_hostname, or kubectl -n coder get svc --context us-east-2)') },
				{ name: 'us-west-2', title: 'Oregon proxy', host: 'oregon-proxy.ai.coder.com', wildcard: '*.oregon-proxy.ai.coder.com', kubeContext: 'us-west-2', proxy: 'oregon-proxy', loadBalancer: unset('the us-west-2 NLB hostname (kubectl -n coder get svc --context us-west-2)') },
				{ name: 'eu-west-2', title: 'London proxy', host: 'emea-proxy.ai.coder.com', wildcard: '*.emea-proxy.ai.coder.com', kubeContext: 'eu-west-2', proxy: 'emea-proxy', loadBalancer: unset('the eu-west-2 NLB hostname (kubectl -n coder get svc --context eu-west-2)') },
			],
			coder: { url: 'https://ai.coder.com', tokenSecret: 'coderToken' },
			// LiteLLM sits behind an ALB in us-east-2; Terraform takes its host as the sensitive `host_name` variable.
			litellm: { url: unset('the LiteLLM ALB endpoint, https://<host_name> of infra/aws/us-east-2/k8s/litellm'), keySecret: 'litellmKey', adminKeySecret: 'litellmAdmin' },
			// The sources name no monitoring stack: the workshop dashboard, its Prometheus and Alertmanager are yours to give.
			prometheus: { url: unset('the Prometheus that scrapes the three clusters (the sources name none)') },
			alertmanager: { url: unset('the Alertmanager that routes the workshop alerts (the sources name none)') },
			grafana: { url: unset('the Grafana with the real-time workshop dashboard (the sources name none)') },
			secrets: {
				coderToken: 'CODER_SESSION_TOKEN',
				litellmKey: 'LITELLM_WORKSHOP_KEY',
				litellmAdmin: 'LITELLM_MASTER_KEY',
			},
			workshop: { expectedAttendance: 15, template: { cpu: 4, memoryGiB: 8 } },
			overrides: {
				// The sources give the templates' display names ("Build from Scratch w/ Claude"), not their Coder names.
				'smoke-workspace': { params: { template: unset('the Coder template name of "Build from Scratch w/ Claude" (the sources give display names only)') } },
				// Workspace pods' namespace is not in the sources (the provisioners run in `coder`).
				'workspace-restarts': { params: { query: unset('the restart query over the namespace the workspace pods run in (not in the sources)') } },
			},
		},
		// The launch-operations program: the content team's publishing pipeline, watched through the
		// telemetry it exports to Prometheus (metric names: /launch/operations/#dashboards-and-checks).
		// No clusters to probe, and none of the workshop checks apply (`exclusive`).
		'content-pipeline': {
			title: 'Content pipeline (quickstarts and example dashboards)',
			exclusive: true,
			prometheus: { url: unset("the Prometheus that scrapes the pipeline's telemetry") },
			alertmanager: { url: unset("the Alertmanager that routes the pipeline's alerts") },
		},
	},
	// The monthly workshop. The sources say the first week of each month, 60-90 minutes, at a time
	// that suits US and international participants: the first Tuesday, 16:00 London (morning in
	// the US), 90 minutes is the handbook's default, not theirs. The calendar and retrospectives read it.
	cadence: { rule: 'first tuesday', time: '16:00', durationMinutes: 90, timezone: 'Europe/London' },
	checks: [
		// 1. Access
		{
			id: 'litellm-key-expiry',
			title: 'LiteLLM key valid for more than 7 days',
			kind: 'litellm-key',
			runbook: `${rb.gateway}#mitigation`,
			outcomes: [
				{ status: 'fail', when: 'blocked', message: 'the key {alias} is blocked' },
				{ status: 'fail', when: 'daysLeft < 7', message: 'the key {alias} expires in {daysLeft} days ({expires})' },
				{ status: 'warn', when: 'daysLeft < 14', message: 'the key {alias} expires in {daysLeft} days ({expires})' },
				{ status: 'pass', when: 'neverExpires', message: 'the key {alias} never expires' },
				{ status: 'pass', message: 'the key {alias} is valid for {daysLeft} more days ({expires})' },
			],
		},
		{
			id: 'litellm-ready',
			title: 'LiteLLM gateway ready',
			kind: 'http',
			params: { url: '{env.litellm.url}/health/readiness' },
			runbook: `${rb.gateway}#diagnosis`,
			outcomes: [
				{ status: 'fail', when: 'error != null', message: 'the gateway did not answer: {error} ({phase})' },
				{ status: 'fail', when: 'status != 200', message: 'readiness answered {status}: {body}' },
				{ status: 'fail', when: 'not (json.status in ["healthy", "connected"])', message: 'the gateway reports status {json.status}, database {json.db}' },
				{ status: 'pass', message: 'ready (status {json.status}, database {json.db}, LiteLLM {json.litellm_version})' },
			],
		},
		{
			id: 'key-rotation-paused',
			title: 'Key rotation paused over the workshop window',
			kind: 'kubernetes',
			params: { mode: 'deployment', namespace: 'litellm', name: 'litellm-key-rotator' },
			runbook: `${rb.gateway}#mitigation`,
			outcomes: [
				{ status: 'warn', when: 'desired > 0', message: 'litellm-key-rotator runs {desired} replicas: every rotation restarts all workspaces; scale it to 0 over the workshop window' },
				{ status: 'pass', message: 'litellm-key-rotator is scaled to 0' },
			],
		},
		{
			id: 'auth-methods',
			title: 'GitHub and Okta logins enabled',
			kind: 'coder',
			params: { mode: 'authmethods' },
			runbook: `${rb.incidents}#severities`,
			outcomes: [
				{ status: 'fail', when: 'not github', message: 'GitHub login is off: external participants cannot sign in' },
				{ status: 'fail', when: 'not oidc', message: 'OIDC (Okta) login is off: staff cannot sign in' },
				{ status: 'pass', message: 'GitHub and OIDC logins are enabled' },
			],
		},
		// 2. Images
		{
			id: 'image-consistency',
			title: 'Same Coder image digest in all three clusters',
			kind: 'kubernetes',
			params: { mode: 'image-digests', namespace: 'coder', labelSelector: 'app.kubernetes.io/name=coder', container: 'coder' },
			timeoutMs: 20_000,
			runbook: `${rb.routing}#diagnosis`,
			outcomes: [
				{ status: 'fail', when: 'missing != ""', message: 'no running Coder pod in {missing}' },
				{ status: 'fail', when: 'distinct > 1', message: '{oddRegion} runs {oddDigest}, the others {majorityDigest}' },
				{ status: 'pass', message: 'all {regions} regions run {majorityDigest}' },
			],
		},
		{
			id: 'ecr-mirror-current',
			title: 'ECR mirror digest equals GHCR',
			kind: 'command',
			// The program gets PATH, HOME and the locale only: the mirror's name is passed on by name.
			params: { argv: ['node', 'scripts/checks/compare-digests.ts', 'ghcr.io/coder/coder-preview:latest', 'env:ECR_MIRROR_IMAGE'], env: { ECR_MIRROR_IMAGE: 'env:ECR_MIRROR_IMAGE' } },
			timeoutMs: 30_000,
			runbook: `${rb.image}#mitigation`,
			outcomes: [
				{ status: 'error', when: 'exitCode == 127', message: '{stderr}' },
				{ status: 'fail', when: 'exitCode == 1', message: 'the mirror runs {json.mirror}, GHCR has {json.source}' },
				{ status: 'pass', when: 'exitCode == 0', message: 'the mirror is current ({json.source})' },
				{ status: 'error', message: 'could not compare the digests: {stderr}' },
			],
		},
		// 3. DNS and routing
		{
			id: 'dns-records',
			title: 'Hosts and wildcard names resolve',
			kind: 'dns',
			perRegion: true,
			access: 'public',
			params: { names: ['{region.host}', '{random}.{region.wildcardBase}'] },
			runbook: `${rb.routing}#diagnosis`,
			outcomes: [
				{ status: 'fail', when: 'failed > 0', message: 'does not resolve: {failedNames} ({errors})' },
				{ status: 'fail', when: 'unexpected > 0', message: 'resolves outside the expected targets: {unexpectedNames}' },
				{ status: 'pass', message: '{resolved} of {total} names resolve' },
			],
		},
		{
			id: 'dns-load-balancers',
			title: "Each region's names resolve to its own load balancer",
			kind: 'dns',
			perRegion: true,
			// Not configured in an environment until every region names its load balancer.
			params: { names: ['{region.host}', '{random}.{region.wildcardBase}'], expected: ['{region.loadBalancer}'] },
			runbook: `${rb.routing}#diagnosis`,
			outcomes: [
				{ status: 'fail', when: 'failed > 0', message: 'does not resolve: {failedNames} ({errors})' },
				{ status: 'fail', when: 'unexpected > 0', message: "resolves away from the region's load balancer: {unexpectedNames}" },
				{ status: 'pass', message: "{resolved} names resolve to the region's load balancer" },
			],
		},
		{
			id: 'healthz',
			title: 'Platform answers /healthz',
			kind: 'http',
			perRegion: true,
			access: 'public',
			params: { url: 'https://{region.origin}/healthz' },
			runbook: `${rb.routing}#diagnosis`,
			outcomes: [
				{ status: 'fail', when: 'error != null', message: 'no answer: {error} ({phase})' },
				{ status: 'fail', when: 'status != 200 or body != "OK"', message: 'answered {status} "{body}" instead of 200 "OK"' },
				{ status: 'warn', when: 'durationMs > 1000', message: 'OK but slow: {durationMs} ms' },
				{ status: 'pass', message: 'OK in {durationMs} ms' },
			],
		},
		{
			id: 'wildcard-routing',
			title: 'A random workspace subdomain reaches the platform',
			kind: 'http',
			perRegion: true,
			access: 'public',
			params: { url: 'https://{random}.{region.wildcardBase}{region.portSuffix}/', bodyPattern: '[Cc]oder' },
			runbook: `${rb.routing}#diagnosis`,
			outcomes: [
				{ status: 'fail', when: 'error != null', message: '{phase} error: {error}' },
				{ status: 'fail', when: 'not bodyMatches', message: 'answered {status} but not as the platform: {body}' },
				{ status: 'pass', message: 'the platform answered {status} in {durationMs} ms' },
			],
		},
		{
			id: 'tls-expiry',
			title: 'Certificates valid and covering the wildcard',
			kind: 'tls',
			perRegion: true,
			access: 'public',
			params: { host: '{region.host}', port: '{region.port}', names: ['{random}.{region.wildcardBase}'] },
			runbook: `${rb.routing}#diagnosis`,
			outcomes: [
				{ status: 'fail', when: 'daysLeft < 7', message: 'the certificate expires in {daysLeft} days ({validTo})' },
				{ status: 'fail', when: 'uncoveredNames != ""', message: 'the certificate does not cover {uncoveredNames} (it covers {altNames})' },
				{ status: 'fail', when: 'not authorized', message: 'the certificate is not trusted: {authorizationError}' },
				{ status: 'warn', when: 'daysLeft < 21', message: 'the certificate expires in {daysLeft} days ({validTo})' },
				{ status: 'pass', message: 'valid for {daysLeft} days, covers {altNames}' },
			],
		},
		// 4. Storage and capacity
		{
			id: 'node-ephemeral-storage',
			title: 'Node ephemeral storage under 60%',
			kind: 'kubernetes',
			perRegion: true,
			params: { mode: 'node-storage' },
			timeoutMs: 20_000,
			runbook: `${rb.restart}#mitigation`,
			outcomes: [
				{ status: 'fail', when: 'maxUsedPercent >= 60', message: 'at or above {$threshold}%: {nodes[percent >= $threshold].name} (fullest {maxNode} at {maxUsedPercent}%)' },
				{ status: 'warn', when: 'maxUsedPercent >= 50', message: 'at or above {$threshold}%: {nodes[percent >= $threshold].name} (fullest {maxNode} at {maxUsedPercent}%)' },
				{ status: 'pass', message: '{nodeCount} nodes, fullest {maxNode} at {maxUsedPercent}%' },
			],
		},
		{
			id: 'karpenter-ready',
			title: 'Karpenter and its NodePools ready',
			kind: 'kubernetes',
			perRegion: true,
			params: { mode: 'karpenter' },
			runbook: `${rb.contention}#diagnosis`,
			outcomes: [
				{ status: 'fail', when: 'podsTotal == 0 or podsReady < podsTotal', message: 'Karpenter pods ready: {podsReady} of {podsTotal}' },
				{ status: 'fail', when: 'nodePoolsReady < nodePoolsTotal', message: 'NodePools not ready: {notReadyReasons}' },
				{ status: 'warn', when: 'nodeClaimsNotReady > 0', message: '{nodeClaimsNotReady} of {nodeClaimsTotal} NodeClaims not ready' },
				{ status: 'pass', message: '{podsReady} controller pods and {nodePoolsReady} NodePools ready' },
			],
		},
		{
			id: 'provisioner-capacity',
			title: 'Provisioners enough for the expected attendance',
			kind: 'coder',
			params: { mode: 'provisioners' },
			runbook: `${rb.provisioner}#mitigation`,
			// Fail below the capacity table's floor, warn inside its range below the recommended count.
			outcomes: [
				{ status: 'fail', when: 'online < required', message: '{online} provisioners online, under the floor of {required} for {expectedAttendance} participants' },
				{ status: 'warn', when: 'online < recommended', message: '{online} provisioners online: at least the floor of {required}, under the {recommended} recommended for {expectedAttendance} participants' },
				{ status: 'pass', message: '{online} provisioners online ({recommended} recommended for {expectedAttendance} participants)' },
			],
		},
		{
			id: 'litellm-replicas',
			title: 'LiteLLM replicas enough for the expected attendance',
			kind: 'kubernetes',
			params: { mode: 'deployment', namespace: 'litellm', name: 'litellm', compare: 'litellm' },
			runbook: `${rb.gateway}#mitigation`,
			outcomes: [
				{ status: 'fail', when: 'ready < required', message: '{ready} of {desired} LiteLLM replicas ready, under the floor of {required} for {workshop.expectedAttendance} participants' },
				{ status: 'warn', when: 'ready < recommended', message: '{ready} LiteLLM replicas ready: at least the floor of {required}, under the {recommended} recommended for {workshop.expectedAttendance} participants' },
				{ status: 'pass', message: '{ready} LiteLLM replicas ready ({recommended} recommended for {workshop.expectedAttendance} participants)' },
			],
		},
		{
			id: 'capacity-headroom',
			title: 'Headroom above 30% for the expected workspaces',
			kind: 'kubernetes',
			params: { mode: 'headroom' },
			timeoutMs: 20_000,
			runbook: '/planning/capacity/#headroom',
			outcomes: [
				{ status: 'fail', when: 'headroomPercent < 30', message: '{headroomPercent}% headroom ({limitedBy}) once {workshop.expectedAttendance} workspaces need {neededCpu} vCPU / {neededMemoryGiB} GiB' },
				{ status: 'warn', when: 'headroomPercent < 40', message: '{headroomPercent}% headroom ({limitedBy}): little room for surprises' },
				{ status: 'pass', message: '{headroomPercent}% headroom after {neededCpu} vCPU / {neededMemoryGiB} GiB for the expected workspaces' },
			],
		},
		// 5. Smoke tests
		{
			id: 'smoke-workspace',
			title: 'A workspace starts and is cleaned up in each region',
			kind: 'coder-workspace',
			perRegion: true,
			params: { template: 'build-from-scratch-claude', parameters: { region: '{region.name}' }, readyTimeoutMs: 300_000 },
			timeoutMs: 420_000,
			maxAgeMinutes: 240,
			cacheSeconds: 0,
			runbook: `${rb.provisioner}#diagnosis`,
			outcomes: [
				{ status: 'fail', when: 'buildStatus != "running"', message: '{workspace} did not reach running ({buildStatus}): {jobError}' },
				{ status: 'fail', when: 'not deleted', message: '{workspace} ran but was not deleted: {cleanupError}' },
				{ status: 'warn', when: 'secondsToRunning > 120', message: '{workspace} took {secondsToRunning} s to run (target under 120 s)' },
				{ status: 'pass', message: '{workspace} running in {secondsToRunning} s, then deleted' },
			],
		},
		// 6. Monitoring
		{
			id: 'coder-health',
			title: 'Coder health report',
			kind: 'coder',
			params: { mode: 'health' },
			runbook: `${rb.routing}#diagnosis`,
			outcomes: [
				{ status: 'fail', when: 'severity == "error"', message: 'failing: {failingSections} ({warningCodes})' },
				{ status: 'warn', when: 'severity == "warning"', message: 'warnings in {warningSections}: {warningCodes}' },
				{ status: 'pass', message: 'every section healthy' },
			],
		},
		{
			id: 'workspace-proxies',
			title: 'Workspace proxies healthy and on the primary version',
			kind: 'coder',
			params: { mode: 'proxies' },
			runbook: `${rb.routing}#diagnosis`,
			outcomes: [
				{ status: 'fail', when: 'unhealthyCount > 0', message: 'unhealthy: {unhealthyStatus}' },
				{ status: 'fail', when: 'missingCount > 0', message: 'not registered: {missing}' },
				{ status: 'fail', when: 'mismatchCount > 0', message: 'not on {primaryVersion}: {versionMismatch}' },
				{ status: 'pass', message: '{regions} regions healthy on {primaryVersion}' },
			],
		},
		{
			id: 'prometheus-ready',
			title: 'Prometheus ready and scraping',
			kind: 'prometheus',
			params: { mode: 'ready' },
			runbook: `${rb.incidents}#escalation`,
			outcomes: [
				{ status: 'fail', when: 'not ready', message: 'Prometheus is not ready: {error}' },
				{ status: 'warn', when: 'targetsDown > 0', message: '{targetsDown} scrape targets down: {downTargets}' },
				{ status: 'pass', message: 'ready, {targetsUp} targets up' },
			],
		},
		{
			id: 'alert-rules-present',
			title: 'Storage, workspace-failure and key-expiry alerts defined',
			kind: 'prometheus',
			params: { mode: 'rules', alerts: ['NodeEphemeralStorageUsage', 'CoderdWorkspaceBuildFailures', 'LiteLLMKeyExpiringSoon'] },
			runbook: `${rb.incidents}#escalation`,
			outcomes: [
				{ status: 'fail', when: 'missing > 0', message: 'missing alert rules: {missingAlerts}' },
				{ status: 'warn', when: 'unhealthyAlerts != ""', message: 'rules failing to evaluate: {unhealthyAlerts}' },
				{ status: 'pass', message: 'all {present} alerts are defined' },
			],
		},
		{
			id: 'alertmanager-watchdog',
			title: 'Alertmanager receives the Watchdog',
			kind: 'alertmanager',
			runbook: `${rb.incidents}#escalation`,
			outcomes: [
				{ status: 'fail', when: 'not ready', message: 'Alertmanager is not ready: {error}' },
				{ status: 'fail', when: 'not watchdogFiring', message: 'the Watchdog is not active in Alertmanager ({watchdogState}): alerts may not be delivered' },
				{ status: 'fail', when: 'receivers == 0', message: 'no receivers configured' },
				{ status: 'pass', message: 'Watchdog active; receivers: {receiverNames}' },
			],
		},
		{
			id: 'grafana-ready',
			title: 'Grafana up with its database',
			kind: 'http',
			params: { url: '{env.grafana.url}/api/health' },
			runbook: `${rb.incidents}#escalation`,
			outcomes: [
				{ status: 'fail', when: 'error != null', message: 'Grafana did not answer: {error} ({phase})' },
				{ status: 'fail', when: 'json.database != "ok"', message: 'Grafana answered {status}, database {json.database}' },
				{ status: 'pass', message: 'Grafana {json.version} up, database ok' },
			],
		},
		// During the workshop
		{
			id: 'concurrent-workspaces',
			title: 'Running workspaces within the planned capacity',
			kind: 'prometheus',
			params: { mode: 'query', query: 'sum(coderd_api_workspace_latest_build{status="running"})' },
			maxAgeMinutes: 5,
			runbook: `${rb.contention}#diagnosis`,
			outcomes: [
				{ status: 'warn', when: 'value > workshop.expectedAttendance', message: '{value} workspaces running, planned for {workshop.expectedAttendance}' },
				{ status: 'pass', message: '{value} workspaces running (planned {workshop.expectedAttendance})' },
			],
		},
		{
			id: 'workspace-failures',
			title: 'Workspace build failure rate',
			kind: 'prometheus',
			params: {
				mode: 'query',
				query: 'sum(increase(coderd_workspace_builds_total{status="failed"}[30m])) / clamp_min(sum(increase(coderd_workspace_builds_total[30m])), 1) * 100',
			},
			maxAgeMinutes: 5,
			runbook: `${rb.provisioner}#diagnosis`,
			outcomes: [
				{ status: 'pass', when: 'value == null', message: 'no builds in the last 30 minutes' },
				{ status: 'fail', when: 'value >= 5', message: '{value}% of builds failed in the last 30 minutes' },
				{ status: 'warn', when: 'value >= 2', message: '{value}% of builds failed in the last 30 minutes' },
				{ status: 'pass', message: '{value}% of builds failed in the last 30 minutes' },
			],
		},
		{
			id: 'workspace-restarts',
			title: 'Workspace container restarts',
			kind: 'prometheus',
			params: { mode: 'query', query: 'sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="coder-workspaces"}[10m])) > 0', label: 'pod' },
			maxAgeMinutes: 5,
			runbook: `${rb.restart}#diagnosis`,
			outcomes: [
				{ status: 'fail', when: 'sum > 3', message: '{sum} restarts in 10 minutes: {series}' },
				{ status: 'warn', when: 'sum > 0', message: '{sum} restarts in 10 minutes: {series}' },
				{ status: 'pass', message: 'no restarts in 10 minutes' },
			],
		},
		{
			id: 'provisioner-queue',
			title: 'Provisioner queue wait (p95)',
			kind: 'prometheus',
			// `>= 0` drops the NaN histogram_quantile gives when no job queued: `value` is then null.
			params: { mode: 'query', query: 'histogram_quantile(0.95, sum by (le) (rate(coderd_provisioner_job_queue_wait_seconds_bucket[10m]))) >= 0' },
			maxAgeMinutes: 5,
			runbook: `${rb.contention}#mitigation`,
			outcomes: [
				{ status: 'pass', when: 'value == null', message: 'no jobs queued in the last 10 minutes' },
				{ status: 'fail', when: 'value > 60', message: 'p95 queue wait {value} s' },
				{ status: 'warn', when: 'value > 15', message: 'p95 queue wait {value} s' },
				{ status: 'pass', message: 'p95 queue wait {value} s' },
			],
		},
		// Launch operations: the content pipeline's telemetry, alerting and output (environment content-pipeline).
		// Levels are first defaults: set them from the baseline the pipeline shows (the readiness checklist records them).
		{
			id: 'pipeline-telemetry',
			title: 'Pipeline telemetry arrives in Prometheus',
			kind: 'prometheus',
			environments: ['content-pipeline'],
			params: { mode: 'query', query: 'count(content_pipeline_runs_total)' },
			runbook: '/launch/operations/#dashboards-and-checks',
			outcomes: [
				{ status: 'fail', when: 'value == null', message: 'Prometheus has no content_pipeline_runs_total series: the pipeline exports no telemetry, or nobody scrapes it' },
				{ status: 'pass', message: '{value} pipeline run series scraped' },
			],
		},
		{
			id: 'pipeline-last-run',
			title: 'The pipeline ran recently',
			kind: 'prometheus',
			environments: ['content-pipeline'],
			params: { mode: 'query', query: 'round((time() - max(content_pipeline_last_run_timestamp_seconds)) / 3600, 0.1)' },
			runbook: '/launch/operations/#escalation',
			outcomes: [
				{ status: 'fail', when: 'value == null', message: 'no content_pipeline_last_run_timestamp_seconds: when the pipeline last ran is unknown' },
				{ status: 'fail', when: 'value > 72', message: 'the last pipeline run finished {value} h ago' },
				{ status: 'warn', when: 'value > 24', message: 'the last pipeline run finished {value} h ago' },
				{ status: 'pass', message: 'the last pipeline run finished {value} h ago' },
			],
		},
		{
			id: 'pipeline-templates-generated',
			title: 'The last run produced every expected template',
			kind: 'prometheus',
			environments: ['content-pipeline'],
			// Expected minus generated: the templates the last run silently dropped.
			params: { mode: 'query', query: 'sum(content_pipeline_last_run_templates_expected) - sum(content_pipeline_last_run_templates_generated)' },
			runbook: '/launch/operations/#rollback',
			outcomes: [
				{ status: 'fail', when: 'value == null', message: 'no templates-generated telemetry (content_pipeline_last_run_templates_generated and _expected)' },
				{ status: 'fail', when: 'value > 0', message: 'the last run produced {value} templates fewer than expected: content was dropped' },
				{ status: 'pass', message: 'the last run produced every expected template' },
			],
		},
		{
			id: 'pipeline-build-time',
			title: 'Pipeline build time within its levels',
			kind: 'prometheus',
			environments: ['content-pipeline'],
			params: { mode: 'query', query: 'round(max(max_over_time(content_pipeline_last_run_duration_seconds[7d])) / 60, 0.1)' },
			runbook: '/launch/operations/#dashboards-and-checks',
			outcomes: [
				{ status: 'fail', when: 'value == null', message: 'no build-time telemetry (content_pipeline_last_run_duration_seconds)' },
				{ status: 'fail', when: 'value > 60', message: 'the slowest run of the last 7 days took {value} minutes' },
				{ status: 'warn', when: 'value > 30', message: 'the slowest run of the last 7 days took {value} minutes' },
				{ status: 'pass', message: 'the slowest run of the last 7 days took {value} minutes' },
			],
		},
		{
			id: 'pipeline-failure-rate',
			title: 'Pipeline failure rate within its levels',
			kind: 'prometheus',
			environments: ['content-pipeline'],
			// Without runs in the window the divisor is dropped (`> 0`) and `value` is null, not NaN.
			params: { mode: 'query', query: 'round(sum(increase(content_pipeline_runs_total{status="failed"}[7d])) / (sum(increase(content_pipeline_runs_total[7d])) > 0) * 100, 0.1)' },
			runbook: '/launch/operations/#escalation',
			outcomes: [
				{ status: 'warn', when: 'value == null', message: 'no pipeline runs counted in the last 7 days' },
				{ status: 'fail', when: 'value >= 10', message: '{value}% of pipeline runs failed in the last 7 days' },
				{ status: 'warn', when: 'value >= 5', message: '{value}% of pipeline runs failed in the last 7 days' },
				{ status: 'pass', message: '{value}% of pipeline runs failed in the last 7 days' },
			],
		},
		{
			id: 'pipeline-alert-rules',
			title: 'Pipeline alerts defined',
			kind: 'prometheus',
			environments: ['content-pipeline'],
			params: { mode: 'rules', alerts: ['ContentPipelineTelemetryAbsent', 'ContentPipelineRunFailures', 'ContentPipelineSlowBuild', 'ContentPipelineMissingOutput'] },
			runbook: '/launch/operations/#dashboards-and-checks',
			outcomes: [
				{ status: 'fail', when: 'missing > 0', message: 'missing alert rules: {missingAlerts}' },
				{ status: 'warn', when: 'unhealthyAlerts != ""', message: 'rules failing to evaluate: {unhealthyAlerts}' },
				{ status: 'pass', message: 'all {present} pipeline alerts are defined' },
			],
		},
		{
			id: 'pipeline-alert-delivery',
			title: 'Alertmanager delivers the pipeline alerts',
			kind: 'alertmanager',
			environments: ['content-pipeline'],
			runbook: '/launch/operations/#escalation',
			outcomes: [
				{ status: 'fail', when: 'not ready', message: 'Alertmanager is not ready: {error}' },
				{ status: 'fail', when: 'not watchdogFiring', message: 'the Watchdog is not active in Alertmanager ({watchdogState}): pipeline alerts may not be delivered' },
				{ status: 'fail', when: 'receivers == 0', message: 'no receivers configured' },
				{ status: 'pass', message: 'Watchdog active; receivers: {receiverNames}' },
			],
		},
	],
});
