import { thresholdOf, type ThresholdSource } from './thresholds.ts';

/** A replica count the sources give as a floor and a recommended value (equal when they give one number). */
export interface ReplicaRange {
	/** Below this the platform is under-provisioned: the capacity checks fail. */
	min: number;
	/** At or above this they pass; between the two they warn. */
	recommended: number;
}

/** One row of the capacity table: from `minUsers` to `maxUsers` concurrent users (inclusive). */
export interface CapacityRow {
	minUsers: number;
	maxUsers: number;
	provisioners: ReplicaRange;
	litellmReplicas: ReplicaRange;
}

/**
 * The program's capacity table (monthly workshop guide and architecture overview), the one the
 * checks, the planner, the capacity page and `handbook capacity` read. A range in the sources
 * ("12-15", "4-6") is a floor and a recommendation, never a floor at its upper end: a platform
 * inside the range warns, it does not fail. Where the sources' rows meet (15 is in "10-15" and
 * "15-20"), a boundary belongs to the lower row: the checklist and runbook scale provisioners
 * "for > 15 users" and LiteLLM "for > 20 users".
 */
export const capacityTable: readonly CapacityRow[] = [
	{ minUsers: 0, maxUsers: 9, provisioners: { min: 6, recommended: 6 }, litellmReplicas: { min: 4, recommended: 4 } },
	{ minUsers: 10, maxUsers: 15, provisioners: { min: 8, recommended: 8 }, litellmReplicas: { min: 4, recommended: 4 } },
	{ minUsers: 16, maxUsers: 20, provisioners: { min: 10, recommended: 10 }, litellmReplicas: { min: 4, recommended: 6 } },
	{ minUsers: 21, maxUsers: 30, provisioners: { min: 12, recommended: 15 }, litellmReplicas: { min: 6, recommended: 8 } },
];

/**
 * Past the table the sources give LiteLLM 8 replicas ("30+") and no provisioner figure: the
 * handbook keeps the last row's rates, 0.4 to 0.5 provisioners per user (12-15 for 30), and
 * one gateway replica per 4 users once that exceeds 8.
 */
export const beyondRates = { provisionersPerUser: { min: 0.4, recommended: 0.5 }, litellmFloor: 8, usersPerLitellmReplica: 4 } as const;

export function beyondTable(users: number): Omit<CapacityRow, 'minUsers' | 'maxUsers'> {
	const r = beyondRates;
	return {
		provisioners: { min: Math.ceil(users * r.provisionersPerUser.min), recommended: Math.ceil(users * r.provisionersPerUser.recommended) },
		litellmReplicas: { min: r.litellmFloor, recommended: Math.max(r.litellmFloor, Math.ceil(users / r.usersPerLitellmReplica)) },
	};
}

/** The replicas an attendance needs: floor and recommendation for each, and the table row used (null past the table). */
export interface CapacityNeed {
	users: number;
	row: CapacityRow | null;
	provisioners: ReplicaRange;
	litellmReplicas: ReplicaRange;
}

/**
 * Provisioner and LiteLLM replicas for an expected attendance, from the capacity table (or past
 * it, `beyondTable`). Attendance is a whole number of people ≥ 0.
 *
 * @example
 * capacityFor(18) // → { users: 18, provisioners: { min: 10, recommended: 10 }, litellmReplicas: { min: 4, recommended: 6 }, row: {…} }
 */
export function capacityFor(users: number, table: readonly CapacityRow[] = capacityTable): CapacityNeed {
	if (!Number.isInteger(users) || users < 0) throw new RangeError(`expected attendance must be a whole number of users ≥ 0, got ${users}`);
	const row = table.find((r) => users >= r.minUsers && users <= r.maxUsers) ?? null;
	const need = row ?? beyondTable(users);
	return { users, row, provisioners: { ...need.provisioners }, litellmReplicas: { ...need.litellmReplicas } };
}

/**
 * The floors only: what the provisioner-capacity and litellm-replicas checks observe as
 * `required` (they fail below it).
 *
 * @example
 * requiredCapacity(18) // → { provisioners: 10, litellmReplicas: 4 }
 */
export function requiredCapacity(attendance: number, table: readonly CapacityRow[] = capacityTable): { provisioners: number; litellmReplicas: number } {
	const need = capacityFor(attendance, table);
	return { provisioners: need.provisioners.min, litellmReplicas: need.litellmReplicas.min };
}

/**
 * The recommendations: what the same checks observe as `recommended` (they warn below it).
 *
 * @example
 * recommendedCapacity(18) // → { provisioners: 10, litellmReplicas: 6 }
 */
export function recommendedCapacity(attendance: number, table: readonly CapacityRow[] = capacityTable): { provisioners: number; litellmReplicas: number } {
	const need = capacityFor(attendance, table);
	return { provisioners: need.provisioners.recommended, litellmReplicas: need.litellmReplicas.recommended };
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

/**
 * The limits the planner judges a plan by, read from the checks that judge the platform
 * (`planLimits`): capacity-headroom's fail and warn levels, node-ephemeral-storage's.
 */
export interface PlanLimits {
	/** Headroom below this fails (capacity-headroom's fail rule). */
	minHeadroomPercent: number;
	/** Headroom below this warns. */
	warnHeadroomPercent: number;
	/** Node storage at or above this fails (node-ephemeral-storage's fail rule). */
	maxStoragePercent: number;
	/** Node storage at or above this warns. */
	warnStoragePercent: number;
}

/**
 * The planner's limits from the check configs, so a page, the planner and the checks state one
 * number: `headroomPercent < 30` in capacity-headroom gives `minHeadroomPercent: 30`.
 *
 * @example
 * planLimits(config.checks) // → { minHeadroomPercent: 30, warnHeadroomPercent: 40, maxStoragePercent: 60, warnStoragePercent: 50 }
 */
export function planLimits(checks: readonly ThresholdSource[]): PlanLimits {
	const find = (id: string) => {
		const check = checks.find((c) => c.id === id);
		if (!check) throw new Error(`the capacity planner needs the check "${id}" in handbook.config.ts`);
		return check;
	};
	const room = find('capacity-headroom');
	const storage = find('node-ephemeral-storage');
	return {
		minHeadroomPercent: thresholdOf(room, 'fail', 'headroomPercent').value,
		warnHeadroomPercent: thresholdOf(room, 'warn', 'headroomPercent').value,
		maxStoragePercent: thresholdOf(storage, 'fail', 'maxUsedPercent').value,
		warnStoragePercent: thresholdOf(storage, 'warn', 'maxUsedPercent').value,
	};
}

/** A workspace size with its node-local ephemeral storage. */
export type Sized = Resources & { storageGiB: number };

/**
 * The worked example of the capacity page, which the planner opens with and `handbook capacity`
 * assumes unless told otherwise: the largest template (4 vCPU / 8 GB, the top of the sources'
 * 2-4 vCPU / 4-8 GB) with an estimated 10 GiB of writes, on nodes with 15 vCPU / 56 GiB / 100 GiB
 * allocatable (an assumption: read the real figures from a running node).
 */
export const exampleTemplate: Sized = { cpu: 4, memoryGiB: 8, storageGiB: 10 };
export const exampleNode: Sized = { cpu: 15, memoryGiB: 56, storageGiB: 100 };

/** What the capacity planner is asked: the month's expected attendance, the template and the nodes. */
export interface PlanInput {
	/** Expected concurrent participants, one workspace each. */
	users: number;
	/** Workspace size: CPU, memory and node-local ephemeral storage. */
	template: Sized;
	/** Allocatable capacity of one workspace node (after system reservations and daemon sets). */
	node: Sized;
	/** Nodes planned (or running) for workspaces. */
	nodes: number;
	limits: PlanLimits;
	table?: readonly CapacityRow[];
}

/** The planner's answer: replicas, resources needed, and whether the planned nodes hold them. */
export interface CapacityPlan {
	provisioners: ReplicaRange;
	litellmReplicas: ReplicaRange;
	needed: Sized;
	allocatable: Sized;
	/** Cluster-total headroom on the planned nodes: what capacity-headroom will observe on an empty cluster. */
	headroom: Headroom;
	/** Whole workspaces one node holds (CPU, memory and storage each must fit). */
	workspacesPerNode: number;
	/** Workspace slots on the planned nodes, and the share of them left spare. */
	slots: number;
	slotHeadroomPercent: number;
	/** Workspaces on the fullest node at the peak, spread evenly, and the share of its ephemeral storage they use. */
	onFullestNode: number;
	peakStoragePercent: number;
	/** Smallest node count meeting every limit below (null when no count does: a workspace does not fit a node). */
	recommendedNodes: number | null;
	ok: { headroom: boolean; packing: boolean; storage: boolean };
	/** Inside the limits but within their warning levels. */
	warn: { headroom: boolean; storage: boolean };
}

const MAX_PLANNED_NODES = 10_000;

function planNodes(input: PlanInput, nodes: number) {
	const { users, template, node, limits } = input;
	const allocatable = { cpu: nodes * node.cpu, memoryGiB: nodes * node.memoryGiB, storageGiB: nodes * node.storageGiB };
	const room = headroom({ allocatable, requested: { cpu: 0, memoryGiB: 0 }, workspaces: users, template });
	const fit = (have: number, need: number) => (need > 0 ? Math.floor(have / need + 1e-9) : Number.POSITIVE_INFINITY);
	const perNode = Math.min(fit(node.cpu, template.cpu), fit(node.memoryGiB, template.memoryGiB), fit(node.storageGiB, template.storageGiB));
	const workspacesPerNode = Number.isFinite(perNode) ? perNode : users;
	const slots = nodes * workspacesPerNode;
	const slotHeadroomPercent = slots > 0 ? ((slots - users) / slots) * 100 : -100;
	const onFullestNode = nodes > 0 ? Math.ceil(users / nodes) : users;
	const peakStoragePercent = node.storageGiB > 0 ? ((onFullestNode * template.storageGiB) / node.storageGiB) * 100 : template.storageGiB > 0 ? Number.POSITIVE_INFINITY : 0;
	// The same edges as the checks: capacity-headroom fails below its level, node-ephemeral-storage at or above its own.
	const ok = { headroom: room.percent >= limits.minHeadroomPercent, packing: slots >= users && slotHeadroomPercent >= limits.minHeadroomPercent, storage: peakStoragePercent < limits.maxStoragePercent };
	const warn = { headroom: ok.headroom && room.percent < limits.warnHeadroomPercent, storage: ok.storage && peakStoragePercent >= limits.warnStoragePercent };
	return { allocatable, room, workspacesPerNode, slots, slotHeadroomPercent, onFullestNode, peakStoragePercent, ok, warn };
}

/** The planner's inputs by the names a person sees, for error messages. */
const inputLabels = {
	users: 'expected concurrent users',
	nodes: 'nodes',
	templateCpu: 'template CPU',
	templateMemory: 'template memory',
	templateStorage: 'template ephemeral storage',
	nodeCpu: 'CPU per node',
	nodeMemory: 'memory per node',
	nodeStorage: 'ephemeral storage per node',
} as const;

/** A planner input that cannot be planned with: which one, and why, in words. */
export class PlanInputError extends RangeError {
	readonly input: keyof typeof inputLabels;
	constructor(input: keyof typeof inputLabels, reason: string) {
		super(`${inputLabels[input]} ${reason}`);
		this.name = 'PlanInputError';
		this.input = input;
	}
}

function validate(input: PlanInput): void {
	const { users, template, node, nodes } = input;
	const values: Record<keyof typeof inputLabels, number> = { users, nodes, templateCpu: template.cpu, templateMemory: template.memoryGiB, templateStorage: template.storageGiB, nodeCpu: node.cpu, nodeMemory: node.memoryGiB, nodeStorage: node.storageGiB };
	for (const [name, v] of Object.entries(values) as Array<[keyof typeof inputLabels, number]>) {
		if (Number.isNaN(v)) throw new PlanInputError(name, 'is empty: enter a number');
		if (!Number.isFinite(v) || v < 0) throw new PlanInputError(name, `must be 0 or more, not ${v}`);
	}
	if (!Number.isInteger(users)) throw new PlanInputError('users', `is a count of people: a whole number, not ${users}`);
	if (!Number.isInteger(nodes)) throw new PlanInputError('nodes', `is a count: a whole number, not ${nodes}`);
}

/**
 * Plans a workshop's capacity: provisioner and LiteLLM replicas from the capacity table, the CPU,
 * memory and storage the workspaces need, the headroom the planned nodes leave (the same formula
 * as the capacity-headroom check), whole-workspace packing per node, and the smallest node count
 * that keeps every limit. Pure: the capacity page's planner runs it in the browser, and
 * `handbook capacity` on the command line. Throws PlanInputError naming a bad input.
 *
 * @example
 * planCapacity({ users: 15, template: exampleTemplate, node: exampleNode, nodes: 7, limits })
 * // → { provisioners: { min: 8, recommended: 8 }, litellmReplicas: { min: 4, recommended: 4 }, needed: { cpu: 60, memoryGiB: 120, storageGiB: 150 }, workspacesPerNode: 3, slots: 21, recommendedNodes: 8, … }
 */
export function planCapacity(input: PlanInput): CapacityPlan {
	validate(input);
	const { users, template, nodes } = input;
	const need = capacityFor(users, input.table);
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
		provisioners: need.provisioners,
		litellmReplicas: need.litellmReplicas,
		needed: { cpu: users * template.cpu, memoryGiB: users * template.memoryGiB, storageGiB: users * template.storageGiB },
		allocatable: planned.allocatable,
		headroom: planned.room,
		workspacesPerNode: planned.workspacesPerNode,
		slots: planned.slots,
		slotHeadroomPercent: planned.slotHeadroomPercent,
		onFullestNode: planned.onFullestNode,
		peakStoragePercent: planned.peakStoragePercent,
		recommendedNodes,
		ok: planned.ok,
		warn: planned.warn,
	};
}
