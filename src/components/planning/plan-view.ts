import { exampleNode, exampleTemplate, planCapacity, type CapacityPlan, type PlanInput, type PlanLimits, type ReplicaRange } from '../../checks/capacity.ts';

/**
 * What the capacity planner shows for an input, as text: the server renders it into the page
 * (readable without JavaScript) and the planner's script re-renders it on every input change.
 */

export type PlanState = 'ok' | 'warn' | 'fail';

export interface PlanView {
	/** Output name → text, for `[data-out="name"]`. */
	text: Record<string, string>;
	/** Output name → state, for `[data-state]` on the output's row. */
	state: Record<string, PlanState>;
	/** One sentence that sums it up (announced politely when it changes). */
	verdict: string;
}

const n = (v: number, digits = 1) => (Number.isInteger(v) ? String(v) : (Math.round(v * 10 ** digits) / 10 ** digits).toFixed(digits));
const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** The worked example the planner opens with (capacity page), minus the limits, which come from the checks. */
export const defaultPlanInput: Omit<PlanInput, 'limits'> = { users: 15, template: exampleTemplate, node: exampleNode, nodes: 7 };

/** "8", or "12 (15 recommended)" for a range. */
export function formatReplicas(r: ReplicaRange): string {
	return r.min === r.recommended ? String(r.min) : `${r.min} at least, ${r.recommended} recommended`;
}

/**
 * The planner's text for an input; an impossible input (empty, negative) gives a sentence
 * naming the field instead of numbers.
 *
 * @example
 * planView({ ...defaultPlanInput, limits }).text.cpu // → '60 vCPU'
 */
export function planView(input: PlanInput): PlanView {
	let plan: CapacityPlan;
	try {
		plan = planCapacity(input);
	} catch (err) {
		const message = (err as Error).message;
		return { text: {}, state: {}, verdict: `Cannot plan yet: ${message.charAt(0).toLowerCase()}${message.slice(1)}.` };
	}
	const { limits } = input;
	const h = plan.headroom;
	const headroomState: PlanState = !plan.ok.headroom ? 'fail' : plan.warn.headroom ? 'warn' : 'ok';
	const text = {
		provisioners: formatReplicas(plan.provisioners),
		litellm: formatReplicas(plan.litellmReplicas),
		cpu: `${n(plan.needed.cpu)} vCPU`,
		memory: `${n(plan.needed.memoryGiB)} GiB`,
		storage: `${n(plan.needed.storageGiB)} GiB`,
		allocatable: `${n(plan.allocatable.cpu)} vCPU / ${n(plan.allocatable.memoryGiB)} GiB on ${plural(input.nodes, 'node')}`,
		headroom: `${n(h.percent)}% (limited by ${h.limitedBy}; CPU ${n(h.cpuPercent)}%, memory ${n(h.memoryPercent)}%)`,
		slots: `${plural(plan.slots, 'workspace slot')} (${plan.workspacesPerNode} per node), ${n(Math.max(plan.slotHeadroomPercent, -100))}% spare`,
		peakStorage: Number.isFinite(plan.peakStoragePercent) ? `${n(plan.peakStoragePercent)}% of a node's ephemeral storage (${plural(plan.onFullestNode, 'workspace')} on the fullest node)` : 'no node storage given',
		recommended: plan.recommendedNodes === null ? 'none: one workspace does not fit on a node' : plural(plan.recommendedNodes, 'node'),
	};
	const state: Record<string, PlanState> = {
		headroom: headroomState,
		slots: plan.ok.packing ? 'ok' : 'fail',
		peakStorage: !plan.ok.storage ? 'fail' : plan.warn.storage ? 'warn' : 'ok',
		recommended: plan.recommendedNodes !== null && plan.recommendedNodes <= input.nodes ? 'ok' : 'fail',
	};
	const problems = [
		!plan.ok.headroom && `headroom would be ${n(h.percent)}%, and capacity-headroom fails under ${limits.minHeadroomPercent}%`,
		!plan.ok.packing && `they hold ${plural(plan.slots, 'whole workspace')}, ${n(Math.max(plan.slotHeadroomPercent, -100))}% spare where ${limits.minHeadroomPercent}% is needed`,
		!plan.ok.storage && `the fullest node would reach ${n(plan.peakStoragePercent)}% ephemeral storage, and node-ephemeral-storage fails at ${limits.maxStoragePercent}%`,
	].filter(Boolean);
	const nodesAre = `${plural(input.nodes, 'node')} ${input.nodes === 1 ? 'is' : 'are'}`;
	const verdict = problems.length
		? `Not enough: ${nodesAre} too few for ${plural(input.users, 'workspace')}, because ${problems.join('; ')}. Plan for ${text.recommended}.`
		: `Enough: ${plural(input.nodes, 'node')} hold ${plural(input.users, 'workspace')} with ${n(h.percent)}% headroom${plan.recommendedNodes !== null && plan.recommendedNodes < input.nodes ? ` (${text.recommended} would do)` : ''}.`;
	return { text, state, verdict };
}
