/** One row of the capacity rules of thumb: up to `maxUsers` concurrent users need these replicas. */
export interface CapacityRow {
	maxUsers: number;
	provisioners: number;
	litellmReplicas: number;
}

/**
 * The domain's rules of thumb (shared/domain.md), upper ends of each range so planning errs on
 * the side of capacity. Configurable: pass another table to `requiredCapacity`.
 */
export const defaultCapacityTable: readonly CapacityRow[] = [
	{ maxUsers: 9, provisioners: 6, litellmReplicas: 4 },
	{ maxUsers: 15, provisioners: 8, litellmReplicas: 4 },
	{ maxUsers: 20, provisioners: 10, litellmReplicas: 6 },
	{ maxUsers: 30, provisioners: 15, litellmReplicas: 8 },
];

/**
 * Provisioner and LiteLLM replicas needed for an expected attendance. Beyond the table, one
 * provisioner per 2 users and one gateway replica per 4 users (one Terraform job per provisioner).
 *
 * @example
 * requiredCapacity(15) // → { provisioners: 8, litellmReplicas: 4 }
 */
export function requiredCapacity(attendance: number, table: readonly CapacityRow[] = defaultCapacityTable): { provisioners: number; litellmReplicas: number } {
	if (!Number.isFinite(attendance) || attendance < 0) throw new RangeError(`expected attendance must be a number ≥ 0, got ${attendance}`);
	const row = table.find((r) => attendance <= r.maxUsers);
	if (row) return { provisioners: row.provisioners, litellmReplicas: row.litellmReplicas };
	return { provisioners: Math.ceil(attendance / 2), litellmReplicas: Math.ceil(attendance / 4) };
}

/** CPU in cores and memory in GiB: what a workspace template asks for, or what nodes offer. */
export interface Resources {
	cpu: number;
	memoryGiB: number;
}

/** Spare capacity once the expected workspaces are placed, as the capacity-headroom check judges it. */
export interface Headroom {
	/** Allocatable minus what is already requested. */
	free: Resources;
	/** Expected workspaces × template size. */
	needed: Resources;
	/** (free − needed) / allocatable × 100: the share of capacity still unrequested once the workspaces run; negative when they do not fit. */
	cpuPercent: number;
	memoryPercent: number;
	/** The smaller of the two, and which one it is. */
	percent: number;
	limitedBy: 'cpu' | 'memory';
}

/**
 * Headroom of a cluster for the expected workspaces: the one formula the capacity-headroom check
 * (on observed allocatable and requests) and the capacity planner (on planned nodes) share.
 * Unrounded; an empty cluster has −100 %.
 *
 * @example
 * headroom({ allocatable: { cpu: 90, memoryGiB: 336 }, requested: { cpu: 0, memoryGiB: 0 }, workspaces: 15, template: { cpu: 4, memoryGiB: 8 } })
 * // → { needed: { cpu: 60, memoryGiB: 120 }, cpuPercent: 33.3…, memoryPercent: 64.2…, percent: 33.3…, limitedBy: 'cpu', … }
 */
export function headroom(input: { allocatable: Resources; requested: Resources; workspaces: number; template: Resources }): Headroom {
	const { allocatable, requested, workspaces, template } = input;
	const free = { cpu: allocatable.cpu - requested.cpu, memoryGiB: allocatable.memoryGiB - requested.memoryGiB };
	const needed = { cpu: workspaces * template.cpu, memoryGiB: workspaces * template.memoryGiB };
	const cpuPercent = allocatable.cpu > 0 ? ((free.cpu - needed.cpu) / allocatable.cpu) * 100 : -100;
	const memoryPercent = allocatable.memoryGiB > 0 ? ((free.memoryGiB - needed.memoryGiB) / allocatable.memoryGiB) * 100 : -100;
	return { free, needed, cpuPercent, memoryPercent, percent: Math.min(cpuPercent, memoryPercent), limitedBy: cpuPercent <= memoryPercent ? 'cpu' : 'memory' };
}

/** What the capacity planner is asked: the month's expected attendance, the template and the nodes. */
export interface PlanInput {
	/** Expected concurrent participants, one workspace each. */
	users: number;
	/** Workspace size: CPU, memory and node-local ephemeral storage. */
	template: Resources & { storageGiB: number };
	/** Allocatable capacity of one workspace node (after system reservations and daemon sets). */
	node: Resources & { storageGiB: number };
	/** Nodes planned (or running) for workspaces. */
	nodes: number;
	/** Headroom that must remain, % (default 30: the capacity-headroom check fails below it). */
	minHeadroomPercent?: number;
	/** Ephemeral storage use per node that must not be reached at the peak, % (default 70: the first storage alert). */
	maxStoragePercent?: number;
	table?: readonly CapacityRow[];
}

/** The planner's answer: replicas, resources needed, and whether the planned nodes hold them. */
export interface CapacityPlan {
	provisioners: number;
	litellmReplicas: number;
	needed: Resources & { storageGiB: number };
	allocatable: Resources & { storageGiB: number };
	/** Cluster-total headroom on the planned nodes: what capacity-headroom will observe on an empty cluster. */
	headroom: Headroom;
	/** Whole workspaces one node holds (CPU, memory and storage each must fit). */
	workspacesPerNode: number;
	/** Workspace slots on the planned nodes, and the share of them left spare. */
	slots: number;
	slotHeadroomPercent: number;
	/** Ephemeral storage use of the fullest node at the peak, with the workspaces spread evenly. */
	peakStoragePercent: number;
	/** Smallest node count meeting every limit below (null when no count does: a workspace does not fit a node). */
	recommendedNodes: number | null;
	ok: { headroom: boolean; packing: boolean; storage: boolean };
}

const MAX_PLANNED_NODES = 10_000;

function planNodes(input: PlanInput, nodes: number) {
	const { users, template, node } = input;
	const minHeadroom = input.minHeadroomPercent ?? 30;
	const maxStorage = input.maxStoragePercent ?? 70;
	const allocatable = { cpu: nodes * node.cpu, memoryGiB: nodes * node.memoryGiB, storageGiB: nodes * node.storageGiB };
	const room = headroom({ allocatable, requested: { cpu: 0, memoryGiB: 0 }, workspaces: users, template });
	const fit = (have: number, need: number) => (need > 0 ? Math.floor(have / need + 1e-9) : Number.POSITIVE_INFINITY);
	const perNode = Math.min(fit(node.cpu, template.cpu), fit(node.memoryGiB, template.memoryGiB), fit(node.storageGiB, template.storageGiB));
	const workspacesPerNode = Number.isFinite(perNode) ? perNode : users;
	const slots = nodes * workspacesPerNode;
	const slotHeadroomPercent = slots > 0 ? ((slots - users) / slots) * 100 : -100;
	const onFullest = nodes > 0 ? Math.ceil(users / nodes) : users;
	const peakStoragePercent = node.storageGiB > 0 ? ((onFullest * template.storageGiB) / node.storageGiB) * 100 : template.storageGiB > 0 ? Number.POSITIVE_INFINITY : 0;
	// At exactly the limit the checks still pass (fail below 30 %), so the limits are inclusive.
	const ok = { headroom: room.percent >= minHeadroom, packing: slots >= users && slotHeadroomPercent >= minHeadroom, storage: peakStoragePercent < maxStorage };
	return { allocatable, room, workspacesPerNode, slots, slotHeadroomPercent, peakStoragePercent, ok };
}

/**
 * Plans a workshop's capacity: provisioner and LiteLLM replicas from the capacity table, the CPU,
 * memory and storage the workspaces need, the headroom the planned nodes leave (the same formula
 * as the capacity-headroom check), whole-workspace packing per node, and the smallest node count
 * that keeps every limit. Pure: the capacity page's planner runs it in the browser.
 *
 * @example
 * planCapacity({ users: 15, template: { cpu: 4, memoryGiB: 8, storageGiB: 10 }, node: { cpu: 15, memoryGiB: 56, storageGiB: 100 }, nodes: 7 })
 * // → { provisioners: 8, litellmReplicas: 4, needed: { cpu: 60, memoryGiB: 120, storageGiB: 150 }, workspacesPerNode: 3, slots: 21, recommendedNodes: 8, … }
 */
export function planCapacity(input: PlanInput): CapacityPlan {
	const { users, template, node, nodes } = input;
	for (const [name, v] of Object.entries({ users, nodes, 'template CPU': template.cpu, 'template memory': template.memoryGiB, 'template storage': template.storageGiB, 'node CPU': node.cpu, 'node memory': node.memoryGiB, 'node storage': node.storageGiB })) {
		if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a number ≥ 0, got ${v}`);
	}
	const replicas = requiredCapacity(users, input.table);
	const planned = planNodes(input, nodes);
	let recommendedNodes: number | null = null;
	if (users === 0) recommendedNodes = 0;
	else if (planned.workspacesPerNode > 0) {
		for (let n = 1; n <= MAX_PLANNED_NODES; n++) {
			const { ok } = planNodes(input, n);
			if (ok.headroom && ok.packing && ok.storage) {
				recommendedNodes = n;
				break;
			}
		}
	}
	return {
		...replicas,
		needed: { cpu: users * template.cpu, memoryGiB: users * template.memoryGiB, storageGiB: users * template.storageGiB },
		allocatable: planned.allocatable,
		headroom: planned.room,
		workspacesPerNode: planned.workspacesPerNode,
		slots: planned.slots,
		slotHeadroomPercent: planned.slotHeadroomPercent,
		peakStoragePercent: planned.peakStoragePercent,
		recommendedNodes,
		ok: planned.ok,
	};
}
