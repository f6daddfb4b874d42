import { planCapacity, type CapacityPlan, type PlanInput } from '../../checks/capacity.ts';

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

/** The defaults the planner opens with: the domain's worked example on the capacity page. */
export const defaultPlanInput: PlanInput = {
	users: 15,
	template: { cpu: 4, memoryGiB: 8, storageGiB: 10 },
	node: { cpu: 15, memoryGiB: 56, storageGiB: 100 },
	nodes: 7,
};

/**
 * The planner's text for an input; an impossible input (negative, not a number) gives a message
 * instead of numbers.
 *
 * @example
 * planView(defaultPlanInput).text.cpu // → '60 vCPU'
 */
export function planView(input: PlanInput): PlanView {
	let plan: CapacityPlan;
	try {
		plan = planCapacity(input);
	} catch (err) {
		return { text: {}, state: {}, verdict: `Cannot plan: ${(err as Error).message}.` };
	}
	const h = plan.headroom;
	const headroomState: PlanState = h.percent < 30 ? 'fail' : h.percent < 40 ? 'warn' : 'ok';
	const text = {
		provisioners: String(plan.provisioners),
		litellm: String(plan.litellmReplicas),
		cpu: `${n(plan.needed.cpu)} vCPU`,
		memory: `${n(plan.needed.memoryGiB)} GiB`,
		storage: `${n(plan.needed.storageGiB)} GiB`,
		allocatable: `${n(plan.allocatable.cpu)} vCPU / ${n(plan.allocatable.memoryGiB)} GiB on ${plural(input.nodes, 'node')}`,
		headroom: `${n(h.percent)}% (limited by ${h.limitedBy}; CPU ${n(h.cpuPercent)}%, memory ${n(h.memoryPercent)}%)`,
		slots: `${plural(plan.slots, 'workspace slot')} (${plan.workspacesPerNode} per node), ${n(Math.max(plan.slotHeadroomPercent, -100))}% spare`,
		peakStorage: Number.isFinite(plan.peakStoragePercent) ? `${n(plan.peakStoragePercent)}% of a node's ephemeral storage (${plural(input.nodes > 0 ? Math.ceil(input.users / input.nodes) : input.users, 'workspace')} on the fullest node)` : 'no node storage given',
		recommended: plan.recommendedNodes === null ? 'none: one workspace does not fit on a node' : plural(plan.recommendedNodes, 'node'),
	};
	const state: Record<string, PlanState> = {
		headroom: headroomState,
		slots: plan.ok.packing ? 'ok' : 'fail',
		peakStorage: plan.ok.storage ? 'ok' : 'fail',
		recommended: plan.recommendedNodes !== null && plan.recommendedNodes <= input.nodes ? 'ok' : 'fail',
	};
	const problems = [
		!plan.ok.headroom && `headroom is ${n(h.percent)}%, under 30%`,
		!plan.ok.packing && `only ${plural(plan.slots, 'whole workspace')} fit with ${n(Math.max(plan.slotHeadroomPercent, -100))}% spare`,
		!plan.ok.storage && `the fullest node reaches ${n(plan.peakStoragePercent)}% storage, at or over the 70% alert`,
	].filter(Boolean);
	const verdict = problems.length
		? `${plural(input.nodes, 'node')} ${input.nodes === 1 ? 'is' : 'are'} not enough for ${plural(input.users, 'workspace')}: ${problems.join('; ')}. Plan for ${text.recommended}.`
		: `${plural(input.nodes, 'node')} hold ${plural(input.users, 'workspace')} with ${n(h.percent)}% headroom${plan.recommendedNodes !== null && plan.recommendedNodes < input.nodes ? ` (${text.recommended} would do)` : ''}.`;
	return { text, state, verdict };
}
