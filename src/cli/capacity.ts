import { parseArgs } from 'node:util';
import { capacityFor, exampleNode, exampleTemplate, planCapacity, planLimits, type CapacityPlan, type PlanLimits, type Sized } from '../checks/capacity.ts';
import type { Handbook } from '../checks/load-config.ts';
import { UsageError } from './checks.ts';

/** What `handbook capacity --format json` prints. */
export interface CapacityReport {
	users: number;
	/** The capacity table's row ("16-20"), or null past the table. */
	row: string | null;
	provisioners: { min: number; recommended: number };
	litellmReplicas: { min: number; recommended: number };
	resources: { cpu: number; memoryGiB: number };
	nodes: { recommended: number | null; planned: number; workspacesPerNode: number; node: Sized; template: Sized };
	headroom: { percent: number; limitedBy: 'cpu' | 'memory'; minPercent: number };
	storage: { neededGiB: number; workspacesOnFullestNode: number; peakPercent: number; warnPercent: number; maxPercent: number; ok: boolean };
}

function count(name: string, raw: string | undefined, min: number): number | undefined {
	if (raw === undefined) return undefined;
	if (!/^\d+$/.test(raw.trim())) throw new UsageError(`--${name} is a whole number, not "${raw}"`);
	const n = Number(raw);
	if (n < min) throw new UsageError(`--${name} must be at least ${min}, not ${n}`);
	return n;
}

function size(name: string, raw: string | undefined, fallback: number): number {
	if (raw === undefined) return fallback;
	const n = Number(raw);
	if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} is a positive number, not "${raw}"`);
	return n;
}

/**
 * The report for an attendance: the capacity planner run headless, on the same functions and
 * limits as the checks (capacity table, capacity-headroom, node-ephemeral-storage).
 *
 * @example
 * capacityReport({ users: 18, template: exampleTemplate, node: exampleNode, limits }).provisioners // → { min: 10, recommended: 10 }
 */
export function capacityReport(input: { users: number; nodes?: number; template: Sized; node: Sized; limits: PlanLimits }): CapacityReport {
	const need = capacityFor(input.users);
	const first: CapacityPlan = planCapacity({ ...input, nodes: input.nodes ?? 0 });
	const planned = input.nodes ?? first.recommendedNodes ?? 0;
	const plan = input.nodes === undefined ? planCapacity({ ...input, nodes: planned }) : first;
	return {
		users: input.users,
		row: need.row ? `${need.row.minUsers}-${need.row.maxUsers}` : null,
		provisioners: plan.provisioners,
		litellmReplicas: plan.litellmReplicas,
		resources: { cpu: plan.needed.cpu, memoryGiB: plan.needed.memoryGiB },
		nodes: { recommended: plan.recommendedNodes, planned, workspacesPerNode: plan.workspacesPerNode, node: input.node, template: input.template },
		headroom: { percent: Math.round(plan.headroom.percent * 10) / 10, limitedBy: plan.headroom.limitedBy, minPercent: input.limits.minHeadroomPercent },
		storage: {
			neededGiB: plan.needed.storageGiB,
			workspacesOnFullestNode: plan.onFullestNode,
			peakPercent: Math.round(plan.peakStoragePercent * 10) / 10,
			warnPercent: input.limits.warnStoragePercent,
			maxPercent: input.limits.maxStoragePercent,
			ok: plan.ok.storage,
		},
	};
}

const replicas = (r: { min: number; recommended: number }) => (r.min === r.recommended ? `${r.min}` : `${r.min} at least, ${r.recommended} recommended`);

/** The report as a person reads it. */
export function formatCapacityText(r: CapacityReport): string {
	const rows: Array<[string, string]> = [
		['provisioner replicas (default org)', replicas(r.provisioners)],
		['LiteLLM replicas', replicas(r.litellmReplicas)],
		['workspaces need', `${r.resources.cpu} vCPU / ${r.resources.memoryGiB} GiB (${r.nodes.template.cpu} vCPU / ${r.nodes.template.memoryGiB} GiB each)`],
		['nodes', `${r.nodes.recommended ?? 'none fits one workspace'} recommended (${r.nodes.workspacesPerNode} workspaces per node of ${r.nodes.node.cpu} vCPU / ${r.nodes.node.memoryGiB} GiB / ${r.nodes.node.storageGiB} GiB)`],
		[`headroom on ${r.nodes.planned} nodes`, `${r.headroom.percent}% (limited by ${r.headroom.limitedBy}; must stay at or above ${r.headroom.minPercent}%)`],
		['storage at the peak', `${r.storage.peakPercent}% of the fullest node (${r.storage.workspacesOnFullestNode} × ${r.nodes.template.storageGiB} GiB); warns at ${r.storage.warnPercent}%, fails at ${r.storage.maxPercent}%`],
	];
	const width = Math.max(...rows.map(([label]) => label.length)) + 1;
	return [`Capacity for ${r.users} concurrent users (${r.row ? `table row ${r.row}` : 'past the table: extrapolated'})`, ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width + 1)}${value}`)].join('\n');
}

/**
 * `handbook capacity --users N [--format text|json] [--nodes N] [--template-cpu …]`: the capacity
 * planner headless. Bad input is a UsageError (exit 2) saying which option and why.
 */
export function capacity(handbook: Pick<Handbook, 'checks' | 'environments' | 'defaultEnvironment'>, argv: string[], out: (s: string) => void): number {
	const { values } = parseArgs({
		args: argv,
		options: {
			users: { type: 'string' },
			format: { type: 'string', default: 'text' },
			nodes: { type: 'string' },
			env: { type: 'string' },
			'template-cpu': { type: 'string' },
			'template-memory': { type: 'string' },
			'template-storage': { type: 'string' },
			'node-cpu': { type: 'string' },
			'node-memory': { type: 'string' },
			'node-storage': { type: 'string' },
		},
	});
	if (values.users === undefined) throw new UsageError('capacity needs --users N, the expected concurrent users');
	const users = count('users', values.users, 0)!;
	if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format is one of text, json, not "${values.format}"`);
	const envId = values.env ?? handbook.defaultEnvironment;
	const env = handbook.environments.get(envId);
	if (!env) throw new UsageError(`unknown environment "${envId}"; known: ${[...handbook.environments.keys()].join(', ')}`);
	const template: Sized = {
		cpu: size('template-cpu', values['template-cpu'], env.workshop.template.cpu),
		memoryGiB: size('template-memory', values['template-memory'], env.workshop.template.memoryGiB),
		storageGiB: size('template-storage', values['template-storage'], exampleTemplate.storageGiB),
	};
	const node: Sized = {
		cpu: size('node-cpu', values['node-cpu'], exampleNode.cpu),
		memoryGiB: size('node-memory', values['node-memory'], exampleNode.memoryGiB),
		storageGiB: size('node-storage', values['node-storage'], exampleNode.storageGiB),
	};
	const limits = planLimits([...handbook.checks.values()]);
	const report = capacityReport({ users, nodes: count('nodes', values.nodes, 0), template, node, limits });
	out(values.format === 'json' ? JSON.stringify(report, null, 2) : formatCapacityText(report));
	return 0;
}
