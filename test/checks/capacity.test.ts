import { describe, expect, it } from 'vitest';
import { headroom, planCapacity, requiredCapacity } from '../../src/checks/capacity.ts';

// The worked example of the capacity page: 15 workspaces of 4 vCPU / 8 GB on nodes with
// 15 vCPU / 56 GiB allocatable.
const example = { users: 15, template: { cpu: 4, memoryGiB: 8, storageGiB: 10 }, node: { cpu: 15, memoryGiB: 56, storageGiB: 100 } };

describe('requiredCapacity: the domain capacity table', () => {
	it.each([
		// [users, provisioners, LiteLLM]: upper end of each range of the table.
		[0, 6, 4],
		[9, 6, 4],
		[10, 8, 4],
		[15, 8, 4],
		[16, 10, 6],
		[20, 10, 6],
		[21, 15, 8],
		[30, 15, 8],
	])('%i concurrent users need %i provisioners and %i LiteLLM replicas', (users, provisioners, litellmReplicas) => {
		expect(requiredCapacity(users)).toEqual({ provisioners, litellmReplicas });
	});

	it('goes on past the table: one provisioner per 2 users, one gateway replica per 4', () => {
		expect(requiredCapacity(40)).toEqual({ provisioners: 20, litellmReplicas: 10 });
	});

	it('refuses a negative attendance', () => {
		expect(() => requiredCapacity(-1)).toThrow(RangeError);
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
		expect(plan).toMatchObject({ provisioners: 8, litellmReplicas: 4, needed: { cpu: 60, memoryGiB: 120, storageGiB: 150 }, workspacesPerNode: 3, slots: 21, recommendedNodes: 8 });
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
		expect(plan).toMatchObject({ provisioners: 15, litellmReplicas: 8, recommendedNodes: 12 });
		// Big workspaces on small disks: storage decides.
		const disks = planCapacity({ ...example, template: { ...example.template, storageGiB: 40 }, nodes: 8 });
		expect(disks.peakStoragePercent).toBe(80);
		expect(disks.ok.storage).toBe(false);
		expect(disks.recommendedNodes).toBe(15);
	});

	it('says when no node count works, and refuses nonsense', () => {
		expect(planCapacity({ ...example, template: { cpu: 32, memoryGiB: 8, storageGiB: 10 }, nodes: 4 }).recommendedNodes).toBeNull();
		expect(() => planCapacity({ ...example, users: Number.NaN, nodes: 1 })).toThrow(/users must be a number ≥ 0/);
	});
});
