/**
 * The metrics a workshop retrospective records, with the month-over-month targets from the
 * domain (shared/domain.md). Targets are defaults: a retrospective can override one for its
 * month in `retro.targets`, and the trends page draws each month against the target it had.
 */

export const metricIds = [
	'registered',
	'attended',
	'completionPercent',
	'durationMinutes',
	'peakConcurrentWorkspaces',
	'averageConcurrentWorkspaces',
	'peakStoragePercent',
	'peakCpuPercent',
	'peakMemoryPercent',
	'failureRatePercent',
	'userVisibleIncidents',
	'storageContentionEvents',
	'authFailures',
	'routingErrors',
	'averageStartMinutes',
	'satisfaction',
	'stabilityScore',
	'contentScore',
	'supportScore',
	'feedbackResponses',
	'helpRequests',
	'helpMedianMinutes',
	'helpP90Minutes',
	'blockers',
	'checklistMinutes',
	'longestIncidentResolutionMinutes',
	'manualInterventions',
] as const;

export type MetricId = (typeof metricIds)[number];

/** How a value compares with its target: `value < 2`, `value == 0`, `value >= 4.5`. */
export type TargetOp = '<' | '<=' | '>' | '>=' | '==';

export interface MetricDef {
	id: MetricId;
	label: string;
	/** Unit shown after the value ('' for counts). */
	unit: '' | '%' | 'min' | '/ 5';
	/** What kind of number: a count (whole, ≥ 0), a number ≥ 0, a percentage (0–100), minutes, or a 0–5 score. */
	kind: 'count' | 'number' | 'percent' | 'minutes' | 'score';
	/** Which direction is better; a move the other way from one workshop to the next is a regression. */
	better: 'lower' | 'higher';
	/** The default target, when the metric has one. */
	target?: { op: TargetOp; value: number };
	/** Where the number comes from, shown to whoever fills it in. */
	source: string;
}

export const metrics: readonly MetricDef[] = [
	{ id: 'registered', label: 'Registered', unit: '', kind: 'count', better: 'higher', source: 'the registration form' },
	{ id: 'attended', label: 'Attended', unit: '', kind: 'count', better: 'higher', source: 'the roll call or sign-ins on the day' },
	{ id: 'completionPercent', label: 'Completion', unit: '%', kind: 'percent', better: 'higher', target: { op: '>', value: 90 }, source: 'participants who finished the hands-on part ÷ attended' },
	{ id: 'durationMinutes', label: 'Session duration', unit: 'min', kind: 'minutes', better: 'lower', source: 'doors opened to session ended' },
	{ id: 'peakConcurrentWorkspaces', label: 'Peak concurrent workspaces', unit: '', kind: 'count', better: 'higher', source: 'Prometheus or the workshop-day board' },
	{ id: 'averageConcurrentWorkspaces', label: 'Average concurrent workspaces', unit: '', kind: 'number', better: 'higher', source: 'Prometheus or the workshop-day board' },
	{ id: 'peakStoragePercent', label: 'Peak node ephemeral storage', unit: '%', kind: 'percent', better: 'lower', source: 'Prometheus or the storage panel' },
	{ id: 'peakCpuPercent', label: 'Peak CPU', unit: '%', kind: 'percent', better: 'lower', source: 'Prometheus or the dashboard' },
	{ id: 'peakMemoryPercent', label: 'Peak memory', unit: '%', kind: 'percent', better: 'lower', source: 'Prometheus or the dashboard' },
	{ id: 'failureRatePercent', label: 'Workspace failure rate', unit: '%', kind: 'percent', better: 'lower', target: { op: '<', value: 2 }, source: 'failed ÷ all workspace builds in the window (Prometheus)' },
	{ id: 'userVisibleIncidents', label: 'Incidents with user-visible impact', unit: '', kind: 'count', better: 'lower', target: { op: '==', value: 0 }, source: "the Scribe's log and the incident records" },
	{ id: 'storageContentionEvents', label: 'Storage contention events', unit: '', kind: 'count', better: 'lower', target: { op: '==', value: 0 }, source: "storage alerts fired and the Scribe's log" },
	{ id: 'authFailures', label: 'Authentication failures', unit: '', kind: 'count', better: 'lower', target: { op: '==', value: 0 }, source: "participant reports and the Scribe's log" },
	{ id: 'routingErrors', label: 'Routing errors', unit: '', kind: 'count', better: 'lower', target: { op: '==', value: 0 }, source: "participant reports of 404 or DNS errors and the Scribe's log" },
	{ id: 'averageStartMinutes', label: 'Average workspace start', unit: 'min', kind: 'minutes', better: 'lower', target: { op: '<', value: 2 }, source: 'the workspace build times on the dashboard' },
	{ id: 'satisfaction', label: 'Satisfaction', unit: '/ 5', kind: 'score', better: 'higher', target: { op: '>=', value: 4.5 }, source: 'the in-room feedback' },
	{ id: 'stabilityScore', label: 'Satisfaction: platform stability', unit: '/ 5', kind: 'score', better: 'higher', source: 'the in-room feedback (sub-score)' },
	{ id: 'contentScore', label: 'Satisfaction: content', unit: '/ 5', kind: 'score', better: 'higher', source: 'the in-room feedback (sub-score)' },
	{ id: 'supportScore', label: 'Satisfaction: support', unit: '/ 5', kind: 'score', better: 'higher', source: 'the in-room feedback (sub-score)' },
	{ id: 'feedbackResponses', label: 'Feedback responses', unit: '', kind: 'count', better: 'higher', source: 'the in-room feedback' },
	{ id: 'helpRequests', label: 'Help requests', unit: '', kind: 'count', better: 'lower', source: "the participants' help requests on the workshop-day board" },
	{ id: 'helpMedianMinutes', label: 'Help request resolution (median)', unit: 'min', kind: 'minutes', better: 'lower', source: 'the help requests: sent to resolved' },
	{ id: 'helpP90Minutes', label: 'Help request resolution (90th percentile)', unit: 'min', kind: 'minutes', better: 'lower', source: 'the help requests: sent to resolved' },
	{ id: 'blockers', label: 'Blockers at T-2', unit: '', kind: 'count', better: 'lower', target: { op: '<', value: 3 }, source: 'the pre-workshop run' },
	{ id: 'checklistMinutes', label: 'Pre-workshop checklist duration', unit: 'min', kind: 'minutes', better: 'lower', target: { op: '<', value: 30 }, source: 'the pre-workshop run, start to sign-off' },
	{ id: 'longestIncidentResolutionMinutes', label: 'Incident resolution time (longest)', unit: 'min', kind: 'minutes', better: 'lower', target: { op: '<', value: 5 }, source: 'the incident log' },
	{ id: 'manualInterventions', label: 'Manual interventions', unit: '', kind: 'count', better: 'lower', target: { op: '<', value: 2 }, source: "the workshop-day run and the Scribe's log" },
];

export const metricById: ReadonlyMap<MetricId, MetricDef> = new Map(metrics.map((m) => [m.id, m]));

/** The target in words: "under 2%", "0", "at least 4.5 / 5". */
export function targetText(def: MetricDef, value = def.target?.value): string {
	if (!def.target || value === undefined) return '';
	const v = `${value}${def.unit === '%' ? '%' : def.unit ? ` ${def.unit}` : ''}`;
	switch (def.target.op) {
		case '<':
			return `under ${v}`;
		case '<=':
			return `at most ${v}`;
		case '>':
			return `above ${v}`;
		case '>=':
			return `at least ${v}`;
		case '==':
			return v;
	}
}

/**
 * Whether a value meets a target; null when either is unknown.
 *
 * @example
 * meetsTarget(1.2, { op: '<', value: 2 }) // → true
 */
export function meetsTarget(value: number | null, target: { op: TargetOp; value: number } | undefined): boolean | null {
	if (value === null || !target) return null;
	switch (target.op) {
		case '<':
			return value < target.value;
		case '<=':
			return value <= target.value;
		case '>':
			return value > target.value;
		case '>=':
			return value >= target.value;
		case '==':
			return value === target.value;
	}
}

/** A value with its unit, for tables and labels: "1.5%", "12", "4.6 / 5", "24 min". */
export function formatValue(def: Pick<MetricDef, 'unit'>, value: number): string {
	const n = Number.isInteger(value) ? String(value) : String(Math.round(value * 10) / 10);
	if (def.unit === '%') return `${n}%`;
	return def.unit ? `${n} ${def.unit}` : n;
}
