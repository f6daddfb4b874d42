import { z } from 'zod';
import { ProbeError, type Observed } from '../../types.ts';
import type { CoderApi } from './api.ts';

export const params = z.strictObject({
	mode: z.literal('health'),
	/** Re-run the health check instead of reading Coder's cached report. */
	force: z.boolean().default(false),
});

interface HealthSection {
	severity?: string;
	dismissed?: boolean;
	error?: string | null;
	warnings?: Array<{ code?: string; Code?: string; message?: string; Message?: string }>;
}

const HEALTH_SECTIONS = ['access_url', 'database', 'websocket', 'derp', 'workspace_proxy', 'provisioner_daemons'];
/** Coder's health report: its severity, the failing and warning sections and their warning codes. */
export async function observe(api: CoderApi, force: boolean): Promise<Observed> {
	const report = await api.getJson<Record<string, unknown> & { severity?: string }>(`/api/v2/debug/health${force ? '?force=true' : ''}`);
	if (typeof report?.severity !== 'string') throw new ProbeError('Coder /api/v2/debug/health answered without a severity');
	const sections = Object.entries(report)
		.filter(([name, v]) => HEALTH_SECTIONS.includes(name) || (v && typeof v === 'object' && 'severity' in (v as object)))
		.map(([name, v]) => [name, v as HealthSection] as const)
		.filter(([, s]) => s && typeof s === 'object' && !s.dismissed);
	const failing = sections.filter(([, s]) => s.severity === 'error').map(([n]) => n);
	const warning = sections.filter(([, s]) => s.severity === 'warning').map(([n]) => n);
	const warnings = sections.flatMap(([, s]) => s.warnings ?? []);
	const codes = [...new Set(warnings.map((w) => w.code ?? w.Code ?? 'EUNKNOWN'))].sort();
	return {
		severity: report.severity,
		failingSections: failing.join(', '),
		warningSections: warning.join(', '),
		warningCodes: codes.join(', '),
		warnings: warnings.length,
		dismissed: Object.entries(report).filter(([, v]) => (v as HealthSection)?.dismissed === true).map(([n]) => n).join(', '),
	};
}
