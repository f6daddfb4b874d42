import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegionConfig } from '../../../src/checks/config.ts';
import config from '../../../handbook.config.ts';
import kubernetes, { quantity } from '../../../src/checks/kinds/kubernetes.ts';
import { compileRules, evaluateOutcome, type OutcomeRule } from '../../../src/checks/outcome.ts';
import { ProbeError } from '../../../src/checks/types.ts';
import { probeContext, probeError } from '../../support/probe-context.ts';
import { createTestPki, type TestPki } from '../../support/targets/certs.ts';
import { startKubeApi, writeKubeconfig as writeKubeconfigFile, type KubeApi, type KubeClusterFixture } from '../../support/targets/kube-api.ts';

const written: string[] = [];
/** Writes a kubeconfig and remembers it, to remove it after the tests. */
function writeKubeconfig(options: Parameters<typeof writeKubeconfigFile>[0]): string {
	const file = writeKubeconfigFile(options);
	written.push(file);
	return file;
}

type Json = any;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../../fixtures/kubernetes/${name}`, import.meta.url), 'utf8'));

const region = (name: string, proxy: string): RegionConfig => ({ name, title: name, host: `${name}.coder.example.test`, wildcard: `*.${name}.coder.example.test`, kubeContext: `ctx-${name}`, proxy });
const REGIONS = [region('us-east-2', 'primary'), region('us-west-2', 'oregon-proxy'), region('eu-west-2', 'emea-proxy')];
const DIGEST_A = `sha256:${'a1'.repeat(32)}`;
const DIGEST_B = `sha256:${'b2'.repeat(32)}`;

function node(name: string, options: { labels?: Record<string, string>; ready?: boolean; unschedulable?: boolean } = {}): Json {
	const n = fixture('node.json');
	n.metadata.name = name;
	n.metadata.labels = { ...n.metadata.labels, 'kubernetes.io/hostname': name, ...options.labels };
	if (options.unschedulable) n.spec.unschedulable = true;
	if (options.ready === false) n.status.conditions.find((c: Json) => c.type === 'Ready').status = 'False';
	return n;
}

function pod(name: string, options: { namespace?: string; labels?: Record<string, string>; digest?: string; phase?: string; ready?: boolean; nodeName?: string; cpu?: string; memory?: string } = {}): Json {
	const p = fixture('pod-coder.json');
	p.metadata.name = name;
	p.metadata.namespace = options.namespace ?? 'coder';
	if (options.labels) p.metadata.labels = options.labels;
	p.spec.nodeName = options.nodeName ?? p.spec.nodeName;
	p.spec.containers[0].resources.requests = { cpu: options.cpu ?? '2', memory: options.memory ?? '4Gi' };
	p.status.phase = options.phase ?? 'Running';
	if (options.ready === false) p.status.conditions[0].status = 'False';
	if (options.digest) p.status.containerStatuses[0].imageID = `ghcr.io/coder/coder@${options.digest}`;
	return p;
}

function deployment(name: string, namespace: string, replicas: number, ready: number): Json {
	const d = fixture('deployment.json');
	d.metadata.name = name;
	d.metadata.namespace = namespace;
	d.spec.replicas = replicas;
	d.status = { observedGeneration: 4, replicas, updatedReplicas: replicas, availableReplicas: ready, ...(ready ? { readyReplicas: ready } : {}) };
	return d;
}

/** A stats/summary whose root filesystem is `percent` % used. */
function summary(nodeName: string, percent: number): Json {
	const s = fixture('stats-summary.json');
	s.node.nodeName = nodeName;
	s.node.fs.availableBytes = Math.round(s.node.fs.capacityBytes * (1 - percent / 100));
	return s;
}

function nodePool(name: string, conditions: Record<string, 'True' | 'False'>, reason = 'NodeClassNotReady'): Json {
	const np = fixture('nodepools.json').items[0];
	np.metadata.name = name;
	np.status.conditions = Object.entries(conditions).map(([type, status]) => ({ type, status, reason: status === 'True' ? type : reason, message: '', lastTransitionTime: '2026-11-01T00:00:00Z' }));
	return np;
}

function nodeClaim(name: string, ready: boolean): Json {
	const c = fixture('nodeclaim.json');
	c.metadata.name = name;
	if (!ready) c.status.conditions = c.status.conditions.filter((x: Json) => x.type === 'Launched').concat([{ type: 'Ready', status: 'False', reason: 'NotRegistered', message: '' }]);
	return c;
}

const karpenterPods = [
	pod('karpenter-7d9c-aaaaa', { namespace: 'karpenter', labels: { 'app.kubernetes.io/name': 'karpenter' } }),
	pod('karpenter-7d9c-bbbbb', { namespace: 'karpenter', labels: { 'app.kubernetes.io/name': 'karpenter' } }),
];

const coderPods = (digest: string) => [
	pod('coder-6f7d-aaaaa', { labels: { 'app.kubernetes.io/name': 'coder' }, digest }),
	pod('coder-6f7d-bbbbb', { labels: { 'app.kubernetes.io/name': 'coder' }, digest }),
	// A pod still pulling its image is not Running: ignored.
	pod('coder-7a8b-ccccc', { labels: { 'app.kubernetes.io/name': 'coder' }, digest: DIGEST_B, phase: 'Pending' }),
];

function healthyCluster(): KubeClusterFixture {
	return {
		nodes: [node('n-a', { labels: { role: 'a' } }), node('n-b', { labels: { role: 'b' } }), node('n-c', { labels: { role: 'c' } })],
		summaries: { 'n-a': summary('n-a', 42), 'n-b': summary('n-b', 55), 'n-c': fixture('stats-summary.json') },
		pods: [...coderPods(DIGEST_A), ...karpenterPods],
		deployments: [deployment('coder-provisioner', 'coder', 10, 10), deployment('litellm-key-rotator', 'litellm', 1, 1), deployment('litellm', 'litellm', 4, 4)],
		nodepools: [nodePool('workspaces', { ValidationSucceeded: 'True', NodeClassReady: 'True', Ready: 'True' })],
		nodeclaims: [nodeClaim('workspaces-aaaaa', true)],
	};
}

let pki: TestPki;
let api: KubeApi;
let kubeconfig: string;

beforeAll(async () => {
	pki = createTestPki();
	api = await startKubeApi(Object.fromEntries(REGIONS.map((r) => [r.kubeContext, healthyCluster()])), { pki });
	kubeconfig = writeKubeconfig({ contexts: api.contexts, ca: api.ca, token: api.token });
});

afterAll(async () => {
	await api?.stop();
	for (const file of written) rmSync(dirname(file), { recursive: true, force: true });
	if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

function ctx(options: { region?: RegionConfig; kubeconfig?: string; timeoutMs?: number; attendance?: number } = {}) {
	return probeContext({
		environment: { kubeconfig: options.kubeconfig ?? kubeconfig, regions: REGIONS, workshop: { expectedAttendance: options.attendance ?? 15, template: { cpu: 4, memoryGiB: 8 } } },
		region: options.region ?? REGIONS[1],
		timeoutMs: options.timeoutMs ?? 5_000,
	});
}
const observe = (params: unknown, context = ctx()) => kubernetes.observe(kubernetes.params.parse(params), context);
const reset = (context: string, patch: Partial<KubeClusterFixture> = {}) => api.set(context, { ...healthyCluster(), ...patch });


describe('quantity', () => {
	it('reads decimal, binary and exponent suffixes', () => {
		expect(quantity('7910m')).toBeCloseTo(7.91);
		expect(quantity('104845292Ki')).toBe(107361579008);
		expect(quantity('8Gi')).toBe(8 * 2 ** 30);
		expect(quantity('95551679124')).toBe(95551679124);
		expect(quantity('1.5e3')).toBe(1500);
		expect(quantity(undefined)).toBe(0);
		expect(() => quantity('12 bananas')).toThrow(ProbeError);
	});
});

describe('kubernetes kind, mode deployment', () => {
	// provisioner-capacity (k8s side) / litellm-replicas: fail below the floor, warn below the recommendation.
	const capacityRules = compileRules([
		{ status: 'fail', when: 'ready < required', message: '{ready} of {required} replicas ready' },
		{ status: 'warn', when: 'ready < recommended', message: '{ready} replicas, {recommended} recommended' },
		{ status: 'pass', message: '{ready} replicas ready, {required} needed' },
	]);
	// key-rotation-paused: warn if > 0 replicas inside the window.
	const rotationRules = compileRules([
		{ status: 'warn', when: 'desired > 0', message: 'key rotator runs {desired} replica(s)' },
		{ status: 'pass', message: 'key rotation paused' },
	]);

	it('reads replicas and the required count for the attendance (pass)', async () => {
		reset('ctx-us-west-2');
		const observed = await observe({ mode: 'deployment', namespace: 'coder', name: 'coder-provisioner', compare: 'provisioners' });
		expect(observed).toEqual({ context: 'ctx-us-west-2', exists: true, desired: 10, ready: 10, available: 10, updated: 10, required: 8, recommended: 8 });
		expect(evaluateOutcome(capacityRules, observed).status).toBe('pass');
		// The real client sent the kubeconfig's bearer token to the region's context.
		expect(api.requests.at(-1)).toMatchObject({ context: 'ctx-us-west-2', path: '/apis/apps/v1/namespaces/coder/deployments/coder-provisioner', authorization: `Bearer ${api.token}` });
	});

	it('compares LiteLLM replicas with the table (pass at the recommendation, warn inside the range, fail below the floor)', async () => {
		reset('ctx-us-west-2', { deployments: [deployment('litellm', 'litellm', 6, 6)] });
		const top = await observe({ mode: 'deployment', namespace: 'litellm', name: 'litellm', compare: 'litellm' }, ctx({ attendance: 18 }));
		// 16-20 users: 4-6 replicas in the sources, so 4 is the floor and 6 the recommendation.
		expect(top).toMatchObject({ desired: 6, ready: 6, required: 4, recommended: 6 });
		expect(evaluateOutcome(capacityRules, top).status).toBe('pass');
		reset('ctx-us-west-2', { deployments: [deployment('litellm', 'litellm', 4, 4)] });
		const inRange = await observe({ mode: 'deployment', namespace: 'litellm', name: 'litellm', compare: 'litellm' }, ctx({ attendance: 18 }));
		expect(evaluateOutcome(capacityRules, inRange)).toEqual({ status: 'warn', message: '4 replicas, 6 recommended' });

		reset('ctx-us-west-2', { deployments: [deployment('coder-provisioner', 'coder', 8, 0)] });
		const down = await observe({ mode: 'deployment', namespace: 'coder', name: 'coder-provisioner', compare: 'provisioners' });
		// readyReplicas is omitted by the API when 0.
		expect(down).toMatchObject({ desired: 8, ready: 0, available: 0, required: 8 });
		expect(evaluateOutcome(capacityRules, down)).toEqual({ status: 'fail', message: '0 of 8 replicas ready' });
	});

	it('observes the key rotator running (warn) and absent (pass, required null)', async () => {
		reset('ctx-us-west-2');
		const running = await observe({ mode: 'deployment', namespace: 'litellm', name: 'litellm-key-rotator' });
		expect(running).toMatchObject({ exists: true, desired: 1, required: null, recommended: null });
		expect(evaluateOutcome(rotationRules, running)).toEqual({ status: 'warn', message: 'key rotator runs 1 replica(s)' });
		const absent = await observe({ mode: 'deployment', namespace: 'litellm', name: 'no-such-rotator' });
		expect(absent).toEqual({ context: 'ctx-us-west-2', exists: false, desired: 0, ready: 0, available: 0, updated: 0, required: null, recommended: null });
		expect(evaluateOutcome(rotationRules, absent).status).toBe('pass');
	});

	it('turns a 403 from the API into a ProbeError with code and reason (error)', async () => {
		reset('ctx-us-west-2', { fail: { code: 403, reason: 'Forbidden', message: 'deployments.apps "coder-provisioner" is forbidden: User "system:serviceaccount:handbook:validator" cannot get resource "deployments"' } });
		const err = await probeError(observe({ mode: 'deployment', namespace: 'coder', name: 'coder-provisioner' }));
		expect(err.message).toContain('context "ctx-us-west-2" answered 403 Forbidden');
		expect(err.message).toContain('cannot get resource "deployments"');
		expect(err.observed).toMatchObject({ httpStatus: 403, reason: 'Forbidden' });
		expect(err.message).not.toContain(api.token);
		reset('ctx-us-west-2');
	});

	it('turns refused credentials (401) into a ProbeError without the token', async () => {
		const wrong = writeKubeconfig({ contexts: api.contexts, ca: api.ca, token: 'not-the-token-31337' });
		const err = await probeError(observe({ mode: 'deployment', namespace: 'coder', name: 'coder' }, ctx({ kubeconfig: wrong })));
		expect(err.message).toMatch(/answered 401 Unauthorized .*credentials of this context were refused/);
		expect(err.message).not.toContain('not-the-token-31337');
	});

	it('names an unknown context, and an unreachable API server (error)', async () => {
		const unknown = await probeError(observe({ mode: 'deployment', namespace: 'coder', name: 'coder' }, ctx({ region: { ...REGIONS[0]!, kubeContext: 'ctx-mars-1' } })));
		expect(unknown.message).toBe('kube context "ctx-mars-1" is not in the kubeconfig (contexts: ctx-us-east-2, ctx-us-west-2, ctx-eu-west-2)');

		const gone = await startKubeApi({ 'ctx-us-west-2': {} }, { pki });
		const file = writeKubeconfig({ contexts: gone.contexts, ca: gone.ca, token: gone.token });
		await gone.stop();
		const refused = await probeError(observe({ mode: 'deployment', namespace: 'coder', name: 'coder' }, ctx({ kubeconfig: file })));
		expect(refused.message).toContain('cannot be reached');
		expect(refused.observed).toMatchObject({ error: 'ECONNREFUSED' });
	});

	it('stops at the deadline when the API server is slow', async () => {
		reset('ctx-us-west-2', { delayMs: 10_000 });
		const started = performance.now();
		const err = await probeError(observe({ mode: 'deployment', namespace: 'coder', name: 'coder-provisioner' }, ctx({ timeoutMs: 400 })));
		expect(performance.now() - started).toBeLessThan(1_500);
		expect(err.message).toContain('did not finish before the deadline');
		reset('ctx-us-west-2');
	});
});

describe('kubernetes kind, mode image-digests', () => {
	const rules = compileRules([
		{ status: 'fail', when: 'distinct != 1 or oddRegion != null', message: '{oddRegion} runs {oddDigest}, the others {majorityDigest}' },
		{ status: 'pass', message: 'all {regions} regions run {majorityDigest}' },
	]);
	const params = { mode: 'image-digests', namespace: 'coder', labelSelector: 'app.kubernetes.io/name=coder', container: 'coder' };

	it('reads the Running pods of every region (pass)', async () => {
		for (const r of REGIONS) reset(r.kubeContext);
		const observed = await observe(params, ctx({ region: undefined }));
		expect(observed).toEqual({
			digests: { 'us-east-2': DIGEST_A, 'us-west-2': DIGEST_A, 'eu-west-2': DIGEST_A },
			distinct: 1,
			majorityDigest: DIGEST_A,
			oddRegion: null,
			oddDigest: null,
			missing: '',
			regions: 3,
		});
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'pass', message: `all 3 regions run ${DIGEST_A}` });
		for (const r of REGIONS) expect(api.requests.some((q) => q.context === r.kubeContext && q.path === '/api/v1/namespaces/coder/pods' && q.query.get('labelSelector') === 'app.kubernetes.io/name=coder')).toBe(true);
	});

	it('names the odd region when eu-west-2 runs another digest (fail)', async () => {
		reset('ctx-eu-west-2', { pods: coderPods(DIGEST_B) });
		const observed = await observe(params);
		expect(observed).toMatchObject({ distinct: 2, majorityDigest: DIGEST_A, oddRegion: 'eu-west-2', oddDigest: DIGEST_B });
		expect((observed.digests as Record<string, string>)['eu-west-2']).toBe(DIGEST_B);
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: `eu-west-2 runs ${DIGEST_B}, the others ${DIGEST_A}` });
		reset('ctx-eu-west-2');
	});

	it('reports a region without running pods as missing (fail)', async () => {
		reset('ctx-eu-west-2', { pods: [] });
		const observed = await observe(params);
		expect(observed).toMatchObject({ distinct: 1, oddRegion: 'eu-west-2', oddDigest: 'none', missing: 'eu-west-2' });
		expect(evaluateOutcome(rules, observed).status).toBe('fail');
		reset('ctx-eu-west-2');
	});

	it('fails as a whole when one region cannot be read (error names the context)', async () => {
		reset('ctx-eu-west-2', { fail: { code: 403, reason: 'Forbidden', message: 'pods is forbidden' } });
		const err = await probeError(observe(params));
		expect(err.message).toContain('"ctx-eu-west-2" answered 403 Forbidden to list pods coder');
		reset('ctx-eu-west-2');
	});
});

describe('kubernetes kind, mode karpenter', () => {
	const rules = compileRules([
		{ status: 'fail', when: 'podsReady < podsTotal or podsTotal == 0', message: 'Karpenter pods ready {podsReady}/{podsTotal}' },
		{ status: 'fail', when: 'nodePoolsReady < nodePoolsTotal', message: 'NodePools not ready: {notReadyReasons}' },
		{ status: 'warn', when: 'nodeClaimsNotReady > 0', message: '{nodeClaimsNotReady} NodeClaim(s) not ready' },
		{ status: 'pass', message: '{nodePoolsTotal} NodePool(s) ready' },
	]);

	it('reads pods, NodePools and NodeClaims (pass)', async () => {
		reset('ctx-us-west-2');
		const observed = await observe({ mode: 'karpenter' });
		expect(observed).toEqual({ context: 'ctx-us-west-2', podsReady: 2, podsTotal: 2, nodePoolsReady: 1, nodePoolsTotal: 1, notReady: '', notReadyReasons: '', nodeClaimsNotReady: 0, nodeClaimsTotal: 1 });
		expect(evaluateOutcome(rules, observed).status).toBe('pass');
		expect(api.requests.some((q) => q.path === '/apis/karpenter.sh/v1/nodepools')).toBe(true);
	});

	it('counts a NodeClaim that is not ready (warn)', async () => {
		reset('ctx-us-west-2', { nodeclaims: [nodeClaim('workspaces-aaaaa', true), nodeClaim('workspaces-bbbbb', false)] });
		const observed = await observe({ mode: 'karpenter' });
		expect(observed).toMatchObject({ nodeClaimsNotReady: 1, nodeClaimsTotal: 2 });
		expect(evaluateOutcome(rules, observed).status).toBe('warn');
	});

	it('names the NodePool that is not ready, with the fallback on its conditions (fail)', async () => {
		reset('ctx-us-west-2', {
			nodepools: [
				nodePool('workspaces', { ValidationSucceeded: 'True', NodeClassReady: 'True', Ready: 'True' }),
				nodePool('gpu', { ValidationSucceeded: 'True', NodeClassReady: 'False', Ready: 'False' }),
				// No root Ready condition (older Karpenter): ValidationSucceeded and NodeClassReady decide.
				nodePool('legacy', { ValidationSucceeded: 'True', NodeClassReady: 'True' }),
			],
		});
		const observed = await observe({ mode: 'karpenter' });
		expect(observed).toMatchObject({ nodePoolsReady: 2, nodePoolsTotal: 3, notReady: 'gpu', notReadyReasons: 'gpu=NodeClassNotReady' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'NodePools not ready: gpu=NodeClassNotReady' });
	});

	it('fails when a Karpenter pod is not ready', async () => {
		reset('ctx-us-west-2', { pods: [karpenterPods[0], pod('karpenter-7d9c-ccccc', { namespace: 'karpenter', labels: { 'app.kubernetes.io/name': 'karpenter' }, ready: false })] });
		const observed = await observe({ mode: 'karpenter' });
		expect(observed).toMatchObject({ podsReady: 1, podsTotal: 2 });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'Karpenter pods ready 1/2' });
	});

	it('is an error when the NodePool CRD is not served (404)', async () => {
		reset('ctx-us-west-2', { nodepools: undefined });
		api.set('ctx-us-west-2', { ...healthyCluster(), fail: { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' } });
		const err = await probeError(observe({ mode: 'karpenter' }));
		expect(err.message).toContain('answered 404 NotFound');
		reset('ctx-us-west-2');
	});
});

describe('kubernetes kind, mode node-storage', () => {
	const rules = compileRules([
		{ status: 'fail', when: 'maxUsedPercent >= 60', message: 'nodes at or above {$threshold}%: {nodes[percent >= $threshold].name} (max {maxUsedPercent}% on {maxNode})' },
		{ status: 'warn', when: 'maxUsedPercent >= 50', message: 'nodes at or above {$threshold}%: {nodes[percent >= $threshold].name}' },
		{ status: 'pass', message: 'max {maxUsedPercent}% on {maxNode}' },
	]);

	it('reads kubelet stats of the matching nodes (pass)', async () => {
		reset('ctx-us-west-2');
		const observed = await observe({ mode: 'node-storage', nodeSelector: 'role=a' });
		expect(observed).toEqual({ context: 'ctx-us-west-2', maxUsedPercent: 42, maxNode: 'n-a', nodeCount: 1, nodes: [{ name: 'n-a', percent: 42 }], usage: 'n-a=42%', unreadable: '' });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'pass', message: 'max 42% on n-a' });
		// The raw request keeps the slash of stats/summary (connectGetNodeProxyWithPath would send %2F).
		expect(api.requests.some((q) => q.path === '/api/v1/nodes/n-a/proxy/stats/summary' && q.authorization === `Bearer ${api.token}`)).toBe(true);
	});

	it('warns at 55% (warn)', async () => {
		const observed = await observe({ mode: 'node-storage', nodeSelector: 'role!=c' });
		expect(observed).toMatchObject({ maxUsedPercent: 55, maxNode: 'n-b', nodeCount: 2, nodes: [{ name: 'n-b', percent: 55 }, { name: 'n-a', percent: 42 }] });
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'warn', message: 'nodes at or above 50%: n-b' });
	});

	it('names the node at 64% (fail)', async () => {
		const observed = await observe({ mode: 'node-storage' });
		expect(observed).toMatchObject({ maxUsedPercent: 64, maxNode: 'n-c', nodeCount: 3, usage: 'n-c=64%, n-b=55%, n-a=42%' });
		expect(observed.nodes).toEqual([{ name: 'n-c', percent: 64 }, { name: 'n-b', percent: 55 }, { name: 'n-a', percent: 42 }]);
		expect(evaluateOutcome(rules, observed)).toEqual({ status: 'fail', message: 'nodes at or above 60%: n-c (max 64% on n-c)' });
	});

	it("lists the nodes over the config's threshold: lowering it lists more nodes", async () => {
		const check = config.checks.find((c) => c.id === 'node-ephemeral-storage')!;
		const outcomes = check.outcomes as OutcomeRule[];
		const observed = await observe({ mode: 'node-storage' });
		expect(evaluateOutcome(compileRules(outcomes), observed)).toEqual({ status: 'fail', message: 'at or above 60%: n-c (fullest n-c at 64%)' });
		// The same check with its fail threshold moved from 60 to 40: the message follows, no probe change.
		const lowered = outcomes.map((rule) => (rule.status === 'fail' ? { ...rule, when: rule.when!.replace('>= 60', '>= 40') } : rule));
		expect(lowered[0]!.when).toBe('maxUsedPercent >= 40');
		expect(evaluateOutcome(compileRules(lowered), observed)).toEqual({ status: 'fail', message: 'at or above 40%: n-c, n-b, n-a (fullest n-c at 64%)' });
		const raised = outcomes.map((rule) => (rule.status === 'fail' ? { ...rule, when: 'maxUsedPercent >= 55' } : rule));
		expect(evaluateOutcome(compileRules(raised), observed)).toEqual({ status: 'fail', message: 'at or above 55%: n-c, n-b (fullest n-c at 64%)' });
	});

	it('refuses a message using $threshold when its rule compares with no single number', () => {
		expect(() => compileRules([{ status: 'fail', when: 'online < required', message: '{nodes[percent >= $threshold].name}' }, { status: 'pass', message: 'ok' }])).toThrow(/uses \$threshold, but the rule's condition compares with no number/);
	});

	it('lists a node whose kubelet does not answer, and goes on', async () => {
		reset('ctx-us-west-2', { summaries: { 'n-a': summary('n-a', 42), 'n-b': 503, 'n-c': summary('n-c', 12) } });
		const observed = await observe({ mode: 'node-storage' });
		expect(observed).toMatchObject({ maxUsedPercent: 42, nodeCount: 3, unreadable: 'n-b' });
		reset('ctx-us-west-2');
	});

	it('is an error when RBAC refuses nodes/proxy (403)', async () => {
		reset('ctx-us-west-2', { summaries: { 'n-a': 403, 'n-b': 403, 'n-c': 403 } });
		const err = await probeError(observe({ mode: 'node-storage' }));
		expect(err.message).toContain('answered 403');
		reset('ctx-us-west-2');
	});
});

describe('kubernetes kind, mode headroom', () => {
	const rules = compileRules([
		{ status: 'fail', when: 'headroomPercent < 30', message: 'headroom {headroomPercent}% ({limitedBy}): {neededCpu} vCPU / {neededMemoryGiB} GiB needed, {freeCpu} vCPU / {freeMemoryGiB} GiB free' },
		{ status: 'warn', when: 'headroomPercent < 40', message: 'headroom {headroomPercent}% ({limitedBy})' },
		{ status: 'pass', message: 'headroom {headroomPercent}%' },
	]);
	const NODE_CPU = 15.89;
	const NODE_GIB = (62873496 * 1024) / 2 ** 30;
	const cluster = (nodes: number) => ({
		nodes: [
			...Array.from({ length: nodes }, (_, i) => node(`w-${i}`)),
			// Cordoned and NotReady nodes take no new pods: not counted.
			node('w-cordoned', { unschedulable: true }),
			node('w-notready', { ready: false }),
		],
		pods: [
			pod('system-a', { namespace: 'kube-system', nodeName: 'w-0', cpu: '1500m', memory: '2Gi' }),
			pod('system-b', { namespace: 'kube-system', nodeName: 'w-1', cpu: '500m', memory: '2Gi' }),
			// Finished pods and pods on uncounted nodes hold nothing.
			pod('job-done', { namespace: 'default', nodeName: 'w-0', phase: 'Succeeded', cpu: '8', memory: '16Gi' }),
			pod('on-cordoned', { namespace: 'default', nodeName: 'w-cordoned', cpu: '8', memory: '16Gi' }),
		],
	});
	const expected = (nodes: number) => {
		const cpu = nodes * NODE_CPU;
		const gib = nodes * NODE_GIB;
		const cpuPct = ((cpu - 2 - 60) / cpu) * 100;
		const memPct = ((gib - 4 - 120) / gib) * 100;
		return { cpu, gib, cpuPct, memPct };
	};

	it('computes free capacity against 15 × 4 vCPU / 8 GiB (pass)', async () => {
		reset('ctx-us-west-2', cluster(8));
		const observed = await observe({ mode: 'headroom' });
		const e = expected(8);
		expect(observed).toMatchObject({ nodes: 8, neededCpu: 60, neededMemoryGiB: 120, limitedBy: 'cpu' });
		expect(observed.allocatableCpu).toBeCloseTo(e.cpu, 2);
		expect(observed.freeCpu).toBeCloseTo(e.cpu - 2, 2);
		expect(observed.freeMemoryGiB).toBeCloseTo(e.gib - 4, 1);
		expect(observed.cpuHeadroomPercent).toBeCloseTo(e.cpuPct, 1);
		expect(observed.memoryHeadroomPercent).toBeCloseTo(e.memPct, 1);
		expect(observed.headroomPercent).toBe(Math.round(Math.min(e.cpuPct, e.memPct) * 10) / 10);
		expect(evaluateOutcome(rules, observed).status).toBe('pass');
	});

	it('counts only one namespace\'s requests when asked', async () => {
		reset('ctx-us-west-2', cluster(8));
		const observed = await observe({ mode: 'headroom', namespace: 'default' });
		// Only the finished job and the pod on the cordoned node live in "default": nothing counts.
		expect(observed.freeCpu).toBeCloseTo(8 * NODE_CPU, 2);
		expect(api.requests.some((q) => q.path === '/api/v1/namespaces/default/pods' && q.query.get('fieldSelector') === 'status.phase!=Succeeded,status.phase!=Failed')).toBe(true);
	});

	it('warns between 30 and 40% (warn)', async () => {
		reset('ctx-us-west-2', cluster(6));
		const observed = await observe({ mode: 'headroom' });
		expect(observed.headroomPercent).toBeCloseTo(expected(6).cpuPct, 1);
		expect(observed.headroomPercent as number).toBeGreaterThanOrEqual(30);
		expect(evaluateOutcome(rules, observed).status).toBe('warn');
	});

	it('goes negative when the workspaces do not fit (fail)', async () => {
		reset('ctx-us-west-2', cluster(3));
		const observed = await observe({ mode: 'headroom' });
		expect(observed.headroomPercent).toBeCloseTo(expected(3).cpuPct, 1);
		expect(observed.headroomPercent as number).toBeLessThan(0);
		expect(observed).toMatchObject({ nodes: 3, limitedBy: 'cpu' });
		expect(evaluateOutcome(rules, observed).status).toBe('fail');
		expect(evaluateOutcome(rules, observed).message).toMatch(/^headroom -\d+(\.\d)?% \(cpu\): 60 vCPU \/ 120 GiB needed/);
		reset('ctx-us-west-2');
	});
});
