import { describe, expect, it } from 'vitest';
import config from '../../handbook.config.ts';
import { capacityFor, capacityTable, headroom, planCapacity, planLimits, recommendedCapacity, requiredCapacity, type PlanLimits } from '../../src/checks/capacity.ts';
import { thresholdsOf, type ThresholdSource } from '../../src/checks/thresholds.ts';

const checks = config.checks as unknown as ThresholdSource[];
// The planner's limits, read from the shipped checks (capacity-headroom, node-ephemeral-storage).
const limits: PlanLimits = planLimits(checks);

// The worked example of the capacity page: 15 workspaces of 4 vCPU / 8 GB on nodes with
// 15 vCPU / 56 GiB allocatable.
const example = { users: 15, template: { cpu: 4, memoryGiB: 8, storageGiB: 10 }, node: { cpu: 15, memoryGiB: 56, storageGiB: 100 }, limits };

describe('capacityFor: the sources\' capacity table, floor and recommendation', () => {
	// Every row of MONTHLY_WORKSHOP_GUIDE.md and ARCHITECTURE.md, at both edges:
	// <10 → 6 / 4; 10-15 → 8 / 4; 15-20 → 10 / 4-6; 20-30 → 12-15 / 6-8 (a shared edge belongs to the lower row).
	it.each([
		// [users, provisioners min, recommended, LiteLLM min, recommended]
		[0, 6, 6, 4, 4],
		[9, 6, 6, 4, 4],
		[10, 8, 8, 4, 4],
		[15, 8, 8, 4, 4],
		[16, 10, 10, 4, 6],
		[18, 10, 10, 4, 6],
		[20, 10, 10, 4, 6],
		[21, 12, 15, 6, 8],
		[30, 12, 15, 6, 8],
	])('%i users: provisioners %i (recommended %i), LiteLLM %i (recommended %i)', (users, pMin, pRec, lMin, lRec) => {
		expect(capacityFor(users)).toMatchObject({ provisioners: { min: pMin, recommended: pRec }, litellmReplicas: { min: lMin, recommended: lRec } });
		expect(requiredCapacity(users)).toEqual({ provisioners: pMin, litellmReplicas: lMin });
		expect(recommendedCapacity(users)).toEqual({ provisioners: pRec, litellmReplicas: lRec });
	});

	it('never makes a floor out of the top of a range: below 20 users LiteLLM keeps its default 4', () => {
		for (let users = 0; users <= 20; users++) expect(capacityFor(users).litellmReplicas.min).toBe(4);
	});

	it('covers every attendance up to 30 with exactly one row, rows in order', () => {
		for (let users = 0; users <= 30; users++) expect(capacityTable.filter((r) => users >= r.minUsers && users <= r.maxUsers)).toHaveLength(1);
	});

	it('goes on past the table at the last row\'s rates: 0.4-0.5 provisioners per user, LiteLLM 8 then one per 4 users', () => {
		expect(capacityFor(31)).toMatchObject({ row: null, provisioners: { min: 13, recommended: 16 }, litellmReplicas: { min: 8, recommended: 8 } });
		expect(capacityFor(40)).toMatchObject({ provisioners: { min: 16, recommended: 20 }, litellmReplicas: { min: 8, recommended: 10 } });
	});

	it('refuses a negative or fractional attendance', () => {
		expect(() => capacityFor(-1)).toThrow(RangeError);
		expect(() => capacityFor(2.5)).toThrow(/whole number/);
	});
});

describe('planLimits: the planner judges by the checks\' own thresholds', () => {
	it('reads capacity-headroom and node-ephemeral-storage', () => {
		const storage = thresholdsOf(checks.find((c) => c.id === 'node-ephemeral-storage')!);
		expect(limits.maxStoragePercent).toBe(storage.find((t) => t.status === 'fail')!.value);
		expect(limits).toEqual({ minHeadroomPercent: 30, warnHeadroomPercent: 40, maxStoragePercent: 60, warnStoragePercent: 50 });
	});

	it('follows a changed check: a storage rule at 45% moves the planner\'s limit', () => {
		const changed = checks.map((c) => (c.id === 'node-ephemeral-storage' ? { ...c, outcomes: [{ status: 'fail' as const, when: 'maxUsedPercent >= 45', message: '{maxUsedPercent}%' }, { status: 'warn' as const, when: 'maxUsedPercent >= 35', message: '{maxUsedPercent}%' }, { status: 'pass' as const, message: 'ok' }] } : c));
		expect(planLimits(changed)).toMatchObject({ maxStoragePercent: 45, warnStoragePercent: 35 });
	});

	it('names the check it misses', () => {
		expect(() => planLimits(checks.filter((c) => c.id !== 'capacity-headroom'))).toThrow(/needs the check "capacity-headroom"/);
	});
});

describe('headroom: the capacity-headroom arithmetic', () => {
	it('needs 60 vCPU / 120 GB for 15 workspaces of 4 vCPU / 8 GB', () => {
		const h = headroom({ allocatable: { cpu: 90, memoryGiB: 336 }, requested: { cpu: 0, memoryGiB: 0 }, workspaces: 15, template: { cpu: 4, memoryGiB: 8 } });
		expect(h.needed).toEqual({ cpu: 60, memoryGiB: 120 });
		expect(h.cpuPercent).toBeCloseTo(33.33, 2);
		expect(h.memoryPercent).toBeCloseTo(64.29, 2);
		expect(h).toMatchObject({ limitedBy: 'cpu', percent: h.cpuPercent });
	});

	it('counts what is already requested and goes negative when the workspaces do not fit', () => {
		const h = headroom({ allocatable: { cpu: 64, memoryGiB: 256 }, requested: { cpu: 8, memoryGiB: 200 }, workspaces: 15, template: { cpu: 4, memoryGiB: 8 } });
		expect(h.free).toEqual({ cpu: 56, memoryGiB: 56 });
		expect(h.memoryPercent).toBeCloseTo(((56 - 120) / 256) * 100, 6);
		expect(h.limitedBy).toBe('memory');
		expect(headroom({ allocatable: { cpu: 0, memoryGiB: 0 }, requested: { cpu: 0, memoryGiB: 0 }, workspaces: 1, template: { cpu: 1, memoryGiB: 1 } }).percent).toBe(-100);
	});
});

describe('planCapacity: the planner', () => {
	it('plans the worked example: 8 provisioners, 4 LiteLLM, 60 vCPU / 120 GiB, 8 nodes', () => {
		const plan = planCapacity({ ...example, nodes: 7 });
		expect(plan).toMatchObject({ provisioners: { min: 8, recommended: 8 }, litellmReplicas: { min: 4, recommended: 4 }, needed: { cpu: 60, memoryGiB: 120, storageGiB: 150 }, workspacesPerNode: 3, slots: 21, recommendedNodes: 8 });
		// Seven nodes pass the cluster-total headroom (42.9 %) but leave only 6 of 21 slots spare.
		expect(plan.headroom.percent).toBeCloseTo(42.86, 2);
		expect(plan.slotHeadroomPercent).toBeCloseTo(28.57, 2);
		expect(plan.ok).toEqual({ headroom: true, packing: false, storage: true });
	});

	it('agrees with the page: six nodes look enough on totals, eight are needed whole', () => {
		const six = planCapacity({ ...example, nodes: 6 });
		expect(six.headroom.percent).toBeCloseTo(33.33, 2);
		expect(six.slots).toBe(18);
		expect(six.ok.packing).toBe(false);
		const eight = planCapacity({ ...example, nodes: 8 });
		expect(eight.ok).toEqual({ headroom: true, packing: true, storage: true });
		expect(eight.allocatable).toEqual({ cpu: 120, memoryGiB: 448, storageGiB: 800 });
	});

	it('uses the same headroom function as the check', () => {
		const plan = planCapacity({ ...example, nodes: 8 });
		expect(plan.headroom).toEqual(headroom({ allocatable: { cpu: 120, memoryGiB: 448 }, requested: { cpu: 0, memoryGiB: 0 }, workspaces: 15, template: example.template }));
	});

	it('follows the table as attendance grows, and storage as it fills nodes', () => {
		const plan = planCapacity({ ...example, users: 25, nodes: 12 });
		expect(plan).toMatchObject({ provisioners: { min: 12, recommended: 15 }, litellmReplicas: { min: 6, recommended: 8 }, recommendedNodes: 12 });
		// Big workspaces on small disks: storage decides.
		const disks = planCapacity({ ...example, template: { ...example.template, storageGiB: 40 }, nodes: 8 });
		expect(disks.peakStoragePercent).toBe(80);
		expect(disks.ok.storage).toBe(false);
		expect(disks.recommendedNodes).toBe(15);
	});

	it('says when no node count works, and refuses nonsense', () => {
		expect(planCapacity({ ...example, template: { cpu: 32, memoryGiB: 8, storageGiB: 10 }, nodes: 4 }).recommendedNodes).toBeNull();
		expect(() => planCapacity({ ...example, users: Number.NaN, nodes: 1 })).toThrow(/^expected concurrent users is empty: enter a number$/);
		expect(() => planCapacity({ ...example, nodes: -2 })).toThrow(/^nodes must be 0 or more, not -2$/);
		expect(() => planCapacity({ ...example, node: { ...example.node, cpu: Number.NaN }, nodes: 2 })).toThrow(/^CPU per node is empty/);
	});

	it('judges storage at the peak by the check\'s own edge: 60% fails, 50% warns, just under passes', () => {
		// 10 GiB workspaces on one node with a small disk, at the exact edges.
		const at = (nodeStorage: number, users: number) => planCapacity({ ...example, users, node: { ...example.node, storageGiB: nodeStorage }, nodes: 1 });
		expect(at(50, 3)).toMatchObject({ peakStoragePercent: 60, ok: { storage: false } });
		expect(at(20, 1)).toMatchObject({ ok: { storage: true }, warn: { storage: true } }); // 50 %
		expect(at(25, 1)).toMatchObject({ ok: { storage: true }, warn: { storage: false } }); // 40 %
	});
});
