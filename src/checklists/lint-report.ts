import { rules, type Finding } from './lint.ts';

/** Counts of a lint run. */
export function summarize(findings: readonly Finding[], files: number) {
	return { files, errors: findings.filter((f) => f.severity === 'error').length, warnings: findings.filter((f) => f.severity === 'warning').length };
}

/**
 * One line per finding, `file:line:column  severity  RULE  message`, then the totals.
 *
 * @example
 * formatLintText([{ file: 'p.md', line: 1, column: 14, rule: 'CT001', severity: 'error', message: 'placeholder "TBD"…' }], 1)
 * // → 'p.md:1:14  error  CT001  placeholder "TBD"…\n\n1 error, 0 warnings in 1 file'
 */
export function formatLintText(findings: readonly Finding[], files: number): string {
	const { errors, warnings } = summarize(findings, files);
	const width = Math.max(0, ...findings.map((f) => `${f.file}:${f.line}:${f.column}`.length));
	const lines = findings.map((f) => `${`${f.file}:${f.line}:${f.column}`.padEnd(width)}  ${f.severity.padEnd(7)}  ${f.rule}  ${f.message}`);
	const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
	return [...lines, ...(lines.length ? [''] : []), `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`].join('\n');
}

/** `{ findings, summary }` as JSON. */
export function formatLintJson(findings: readonly Finding[], files: number): string {
	return JSON.stringify({ findings, summary: summarize(findings, files) }, null, 2);
}

/** The SARIF 2.1.0 log of a lint run (GitHub code scanning and other SARIF viewers read it). */
export interface SarifLog {
	$schema: string;
	version: '2.1.0';
	runs: Array<{
		tool: { driver: { name: string; informationUri: string; version: string; rules: Array<{ id: string; name: string; shortDescription: { text: string }; fullDescription: { text: string }; defaultConfiguration: { level: 'error' | 'warning' } }> } };
		originalUriBaseIds: Record<string, { uri: string }>;
		results: Array<{
			ruleId: string;
			ruleIndex: number;
			level: 'error' | 'warning';
			message: { text: string };
			locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number; startColumn: number } } }>;
		}>;
	}>;
}

/**
 * The findings as a SARIF 2.1.0 log: one run, every rule in the driver, one result per finding
 * with its file (relative URI against %SRCROOT%), line and column.
 *
 * @example
 * formatSarif(findings, { version: '0.1.0', root: 'file:///work/handbook/' }).runs[0].results[0].ruleId // → 'CT001'
 */
export function formatSarif(findings: readonly Finding[], options: { version: string; root: string }): SarifLog {
	const index = new Map<string, number>(rules.map((r, i) => [r.id, i]));
	return {
		$schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
		version: '2.1.0',
		runs: [
			{
				tool: {
					driver: {
						name: 'handbook-checklists-lint',
						informationUri: 'https://handbook.ai.coder.com/',
						version: options.version,
						rules: rules.map((r) => ({ id: r.id, name: r.name, shortDescription: { text: r.name.replace(/-/g, ' ') }, fullDescription: { text: r.description }, defaultConfiguration: { level: r.severity } })),
					},
				},
				originalUriBaseIds: { '%SRCROOT%': { uri: options.root.endsWith('/') ? options.root : `${options.root}/` } },
				results: findings.map((f) => ({
					ruleId: f.rule,
					ruleIndex: index.get(f.rule) ?? -1,
					level: f.severity,
					message: { text: f.message },
					locations: [
						{
							physicalLocation: {
								artifactLocation: { uri: f.file.split('\\').join('/').split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
								region: { startLine: Math.max(1, f.line), startColumn: Math.max(1, f.column) },
							},
						},
					],
				})),
			},
		],
	};
}
