/**
 * Where the handbook carries each item of the program's pre-workshop checklist and each incident
 * type of its runbook (shared/reference/source/docs): source item → the page anchor that holds it.
 * Keys are "<nearest heading> › <item text>" as `sourceChecklistItems` reads them, so an item the
 * source adds or rewords shows up as unmapped. coverage.test.ts proves every item is mapped and
 * every anchor exists in the built site.
 */

const pre = '/checklists/pre-workshop/';
const t1 = '/checklists/t-minus-1/';

export const checklistCoverage: Record<string, string> = {
	'LiteLLM Keys › Check AWS Bedrock credentials expiration': `${pre}#access`,
	'LiteLLM Keys › Check GCP Vertex credentials expiration': `${pre}#access`,
	'LiteLLM Keys › Verify auxiliary addon key rotation schedule: Keys rotate every 4-5 hours': `${pre}#access`,
	'LiteLLM Keys › Action Required: Ensure rotation will NOT occur during workshop window': `${t1}#key-rotation`,
	'LiteLLM Keys › Note: Key rotation forces all workspaces to restart': `${pre}#access`,
	'LiteLLM Keys › Result: AWS credentials expire on': `${pre}#access`,
	'LiteLLM Keys › Result: GCP credentials expire on': `${pre}#access`,
	'LiteLLM Keys › Action Required: If <7 days, rotate keys using documented procedure': '/incidents/ai-gateway-auth-failure/#mitigation',
	'GitHub OAuth › Test GitHub authentication for internal users (Okta flow)': `${pre}#access`,
	'GitHub OAuth › Test GitHub authentication for external users (GitHub direct)': `${pre}#access`,
	'GitHub OAuth › Verify coder-contrib org access for test external account': `${pre}#access`,
	'Image Consistency › Control Plane (us-east-2) - Verify Coder Server image version': `${pre}#images`,
	'Image Consistency › Oregon Proxy (us-west-2) - Verify Coder Proxy image version': `${pre}#images`,
	'Image Consistency › London Proxy (eu-west-2) - Verify Coder Proxy image version': `${pre}#images`,
	'Image Consistency › Verify private ECR mirror is up-to-date with latest ghcr.io/coder/coder-preview': `${pre}#images`,
	'Image Consistency › Confirm all clusters use identical images and digests': `${pre}#images`,
	'Image Consistency › Action Required: If images differ, see Issue #2 for remediation': '/incidents/subdomain-routing-failure/#mitigation',
	'CloudFlare DNS Verification › Verify DNS records in CloudFlare (request via #help-me-ops Slack channel if needed)': `${pre}#dns-and-routing`,
	'CloudFlare DNS Verification › ai.coder.com → us-east-2 NLB': `${pre}#dns-and-routing`,
	'CloudFlare DNS Verification › *.ai.coder.com → us-east-2 NLB': `${pre}#dns-and-routing`,
	'CloudFlare DNS Verification › oregon-proxy.ai.coder.com → us-west-2 NLB': `${pre}#dns-and-routing`,
	'CloudFlare DNS Verification › *.oregon-proxy.ai.coder.com → us-west-2 NLB': `${pre}#dns-and-routing`,
	'CloudFlare DNS Verification › emea-proxy.ai.coder.com → eu-west-2 NLB': `${pre}#dns-and-routing`,
	'CloudFlare DNS Verification › *.emea-proxy.ai.coder.com → eu-west-2 NLB': `${pre}#dns-and-routing`,
	'Subdomain Routing › Test subdomain routing from Oregon proxy': `${pre}#dns-and-routing`,
	'Subdomain Routing › Test subdomain routing from London proxy': `${pre}#dns-and-routing`,
	'Subdomain Routing › Test subdomain routing from control plane': `${pre}#dns-and-routing`,
	'Ephemeral Volume Storage › Check storage capacity per node across all regions': `${pre}#storage-and-capacity`,
	'Ephemeral Volume Storage › All nodes <60% storage utilization': `${pre}#storage-and-capacity`,
	'Ephemeral Volume Storage › Action Required: If any node >60%, add capacity or rebalance workloads': `${pre}#storage-and-capacity`,
	'Karpenter Scaling Readiness › Verify Karpenter is operational in all regions': `${pre}#storage-and-capacity`,
	'Karpenter Scaling Readiness › Verify Karpenter NodeClaims are healthy': `${pre}#storage-and-capacity`,
	'Provisioner Scaling › Check current provisioner replica counts': `${pre}#storage-and-capacity`,
	'Provisioner Scaling › Scale provisioners if needed for workshop': `${t1}#scaling`,
	'Provisioner Scaling › Scaled to': `${t1}#scaling`,
	'LiteLLM Capacity › Verify LiteLLM replicas and health': `${pre}#storage-and-capacity`,
	'LiteLLM Capacity › If expecting >20 users, consider scaling LiteLLM': `${t1}#scaling`,
	'Resource Quotas › Verify workspace resource limits are configured': `${pre}#storage-and-capacity`,
	'Resource Quotas › Calculate total capacity': '/planning/capacity/#worked-example',
	'Resource Quotas › Headroom >30% for expected concurrent users': `${pre}#storage-and-capacity`,
	'Control Plane Region (us-east-2) › Create test workspace using one of the available templates': `${pre}#smoke-tests`,
	'Control Plane Region (us-east-2) › Execute workload in test workspace': `${pre}#smoke-tests`,
	'Control Plane Region (us-east-2) › Test Claude Code CLI or Goose CLI (depending on template)': `${pre}#smoke-tests`,
	'Control Plane Region (us-east-2) › Verify LiteLLM connectivity': `${pre}#smoke-tests`,
	'Control Plane Region (us-east-2) › Test gh CLI authentication (optional GitHub auth)': `${pre}#smoke-tests`,
	'Control Plane Region (us-east-2) › Delete test workspace': `${pre}#smoke-tests`,
	'Oregon Proxy Cluster (us-west-2) › Create test workspace via Oregon proxy': `${pre}#smoke-tests`,
	'Oregon Proxy Cluster (us-west-2) › Execute workload in test workspace': `${pre}#smoke-tests`,
	'Oregon Proxy Cluster (us-west-2) › Delete test workspace': `${pre}#smoke-tests`,
	'London Proxy Cluster (eu-west-2) › Create test workspace via London proxy': `${pre}#smoke-tests`,
	'London Proxy Cluster (eu-west-2) › Execute workload in test workspace': `${pre}#smoke-tests`,
	'London Proxy Cluster (eu-west-2) › Delete test workspace': `${pre}#smoke-tests`,
	'Dashboard Validation › Real-time workshop dashboard is accessible': `${pre}#monitoring`,
	'Dashboard Validation › All metrics are populating correctly': `${pre}#monitoring`,
	'Dashboard Validation › Ephemeral volume storage per node': `${pre}#monitoring`,
	'Dashboard Validation › Concurrent workspace count': `${pre}#monitoring`,
	'Dashboard Validation › Workspace restart/failure rate': `${pre}#monitoring`,
	'Dashboard Validation › Image pull times': `${pre}#monitoring`,
	'Dashboard Validation › LiteLLM key expiration': `${pre}#monitoring`,
	'Dashboard Validation › Subdomain routing success rate': `${pre}#monitoring`,
	'Dashboard Validation › Node resource utilization': `${pre}#monitoring`,
	'Alert Configuration › Test critical alerts (trigger test alert)': `${pre}#monitoring`,
	'Alert Configuration › Storage capacity threshold alert': `${pre}#monitoring`,
	'Alert Configuration › Workspace failure rate alert': `${pre}#monitoring`,
	'Alert Configuration › LiteLLM key expiration alert': `${pre}#monitoring`,
	'Alert Configuration › Verify alert destinations are correct (Slack, email, etc.)': `${pre}#monitoring`,
	'Alert Configuration › Confirm on-call rotation is updated': `${pre}#monitoring`,
	'6. Documentation & Support › Workshop agenda finalized and shared with participants': `${pre}#documents`,
	'6. Documentation & Support › Participant onboarding guide up to date': `${pre}#documents`,
	'6. Documentation & Support › Incident runbook accessible to workshop team': `${pre}#documents`,
	'6. Documentation & Support › Support team notified and available during workshop': `${pre}#documents`,
	'8. Pre-Workshop Scaling Actions › Scale provisioner replicas if expecting >15 users (documented above in section 3)': `${t1}#scaling`,
	'8. Pre-Workshop Scaling Actions › Scale LiteLLM replicas if expecting >20 users (documented above in section 3)': `${t1}#scaling`,
	'8. Pre-Workshop Scaling Actions › Verify Karpenter has sufficient AWS quota for expected node scaling': `${t1}#cloud-quotas`,
	'8. Pre-Workshop Scaling Actions › Disable or schedule around LiteLLM key rotation to avoid workspace restarts during workshop': `${t1}#key-rotation`,
	'8. Pre-Workshop Scaling Actions › Notify #help-me-ops on Slack if any CloudFlare DNS changes are needed': `${t1}#dns-changes`,
	'Post-Validation Actions › Share checklist results with workshop team': `${pre}#after-validation`,
	'Post-Validation Actions › Update capacity planning based on validation results': `${pre}#after-validation`,
	'Post-Validation Actions › Address any warnings or minor issues before workshop': `${pre}#after-validation`,
	'Post-Validation Actions › Archive completed checklist for historical reference': `${pre}#sign-off`,
};

/** Each incident type of the source runbook ("### 1. Workspace Restarts / Self-Healing Loop") → its runbook page section. */
export const incidentCoverage: Record<string, string> = {
	'Workspace Restarts / Self-Healing Loop': '/incidents/workspace-restart-loop/#diagnosis',
	'Subdomain Routing Failures': '/incidents/subdomain-routing-failure/#diagnosis',
	'LiteLLM Authentication Failures': '/incidents/ai-gateway-auth-failure/#diagnosis',
	'High Resource Contention': '/incidents/resource-contention/#diagnosis',
	'Image Pull Failures': '/incidents/image-pull-failure/#diagnosis',
	'Provisioner Failures': '/incidents/provisioner-failure/#diagnosis',
};

/** The source runbook's other parts the handbook carries: severities, escalation, contacts, post-incident checklist. */
export const runbookPartsCoverage: Record<string, string> = {
	'Assess severity (P0-P3)': '/incidents/#severities',
	'Escalation': '/incidents/#escalation',
	'Emergency Contacts': '/incidents/#contacts',
	'Post-Incident Checklist': '/incidents/#resolving-an-incident',
};

/**
 * The task items of a Markdown checklist, as "<nearest heading> › <text>": bold and code marks
 * removed, a fill-in blank and a trailing colon cut.
 *
 * @example
 * sourceChecklistItems('### GitHub OAuth\n- [ ] **Test GitHub authentication** for internal users\n')
 * // → ['GitHub OAuth › Test GitHub authentication for internal users']
 */
export function sourceChecklistItems(markdown: string): string[] {
	let heading = '';
	const out: string[] = [];
	for (const line of markdown.split(/\r?\n/)) {
		const h = line.match(/^#{2,4}\s+(.*)$/);
		if (h) {
			heading = h[1]!.trim();
			continue;
		}
		const item = line.match(/^\s*- \[ \] (.*)$/);
		if (!item) continue;
		const text = item[1]!.split(/\\[*_]/)[0]!.replaceAll('**', '').replaceAll('`', '').trim().replace(/:$/, '').trim();
		out.push(`${heading} › ${text}`);
	}
	return out;
}

/** The incident types of the source runbook: the "### N. Title" headings under "Common Incidents". */
export function sourceIncidentTypes(markdown: string): string[] {
	const common = markdown.split(/^## Common Incidents$/m)[1]?.split(/^## /m)[0] ?? '';
	return [...common.matchAll(/^### \d+\.\s+(.*)$/gm)].map((m) => m[1]!.trim());
}
