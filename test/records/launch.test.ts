import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractChecklist } from '../../src/checklists/extract.ts';
import { kinds } from '../../src/checks/kinds/index.ts';
import { appliesTo, loadConfig } from '../../src/checks/load-config.ts';
import { handbook } from '../support/cli.ts';
import { startPrometheusStack, type PrometheusStack } from '../support/targets/prometheus.ts';
import { docsDir, root } from '../support/site.ts';

const pagePath = join(docsDir, 'launch/operations.mdx');
const page = readFileSync(pagePath, 'utf8');

/** The pipeline's telemetry as it would export it after its runs. */
function telemetry(t: { success: number; failed: number; generated: number; expected: number; lastRunAgoS?: number; durationS?: number }): string {
	return [
		'# TYPE content_pipeline_runs_total counter',
		`content_pipeline_runs_total{status="success"} ${t.success}`,
		`content_pipeline_runs_total{status="failed"} ${t.failed}`,
		'# TYPE content_pipeline_last_run_timestamp_seconds gauge',
		`content_pipeline_last_run_timestamp_seconds ${Math.round(Date.now() / 1000 - (t.lastRunAgoS ?? 3600))}`,
		'# TYPE content_pipeline_last_run_duration_seconds gauge',
		`content_pipeline_last_run_duration_seconds ${t.durationS ?? 840}`,
		'# TYPE content_pipeline_last_run_templates_generated gauge',
		`content_pipeline_last_run_templates_generated ${t.generated}`,
		'# TYPE content_pipeline_last_run_templates_expected gauge',
		`content_pipeline_last_run_templates_expected ${t.expected}`,
		'',
	].join('\n');
}

describe('the launch readiness checklist', () => {
	it('binds only checks the config defines for the pipeline environment', async () => {
		const checklist = extractChecklist(page, pagePath);
		expect(checklist.id).toBe('launch-readiness');
		expect((checklist.frontmatter.checklist as { environment?: string }).environment).toBe('content-pipeline');
		const bound = checklist.items.map((i) => i.checkId).filter((id): id is string => id !== null);
		expect(bound).toHaveLength(7);
		const handbook = await loadConfig(kinds, join(root, 'handbook.config.ts'));
		const env = handbook.environments.get('content-pipeline')!;
		for (const id of bound) {
			expect(handbook.checks.has(id), id).toBe(true);
			expect(appliesTo(handbook.checks.get(id)!, env), id).toBe(true);
		}
	});
});

describe('the pipeline checks against a real Prometheus with the page\'s alerting rules', () => {
	let stack: PrometheusStack;
	let env: Record<string, string>;

	/**
	 * Waits until something the stack reports holds (Prometheus has scraped what the exporter now
	 * serves, Alertmanager has the Watchdog): the tests follow events, not a guessed delay. The
	 * bound only keeps a broken stack from hanging the run.
	 */
	async function until(what: string, holds: () => Promise<boolean>): Promise<void> {
		for (let i = 0; i < 600; i++) {
			if (await holds().catch(() => false)) return;
			await sleep(100);
		}
		throw new Error(`never happened: ${what}`);
	}
	const scraped = (query: string, value: number) =>
		until(`Prometheus answers ${query} = ${value}`, async () => {
			const body = (await (await fetch(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as { data?: { result?: Array<{ value: [number, string] }> } };
			return Number(body.data?.result?.[0]?.value[1]) === value;
		});

	beforeAll(async () => {
		// The rules exactly as the page tells the team to load them, plus the usual Watchdog.
		const rules = /```yaml\n(groups:\n {2}- name: content-pipeline[\s\S]*?)```/.exec(page)![1]!;
		const watchdog = '  - name: meta\n    rules:\n      - alert: Watchdog\n        expr: vector(1)\n';
		stack = await startPrometheusStack({ rules: rules + watchdog, exposition: telemetry({ success: 40, failed: 1, generated: 24, expected: 24 }) });
		// Counters need two samples to show runs in the window: the pipeline runs ten more times.
		await scraped('content_pipeline_runs_total{status="success"}', 40);
		stack.exporter.set(telemetry({ success: 50, failed: 1, generated: 24, expected: 24 }));
		await scraped('content_pipeline_runs_total{status="success"}', 50);
		await until('Alertmanager has the Watchdog', async () => {
			const alerts = (await (await fetch(`${stack.alertmanagerUrl}/api/v2/alerts?filter=${encodeURIComponent('alertname="Watchdog"')}`)).json()) as Array<{ status: { state: string } }>;
			return alerts.some((a) => a.status.state === 'active');
		});
		const dir = mkdtempSync(join(tmpdir(), 'handbook-launch-'));
		const configFile = join(dir, 'handbook.config.ts');
		writeFileSync(
			configFile,
			[
				`import base from ${JSON.stringify(join(root, 'handbook.config.ts'))};`,
				`const pipeline = { ...base.environments['content-pipeline'], prometheus: { url: ${JSON.stringify(stack.prometheusUrl)} }, alertmanager: { url: ${JSON.stringify(stack.alertmanagerUrl)} } };`,
				`export default { ...base, environments: { ...base.environments, 'content-pipeline': pipeline } };`,
			].join('\n'),
		);
		env = { HANDBOOK_CONFIG: configFile, HANDBOOK_DATA_DIR: join(dir, 'data') };
	}, 90_000);
	afterAll(async () => stack?.stop());

	it('passes the readiness checks of a healthy pipeline, run in its own environment by default', async () => {
		const { code, stdout } = await handbook(['checks', 'run', 'launch-readiness', '--format', 'json'], env);
		const out = JSON.parse(stdout);
		expect(out.environment).toBe('content-pipeline');
		expect(out.results.map((r: { checkId: string; status: string; message: string }) => [r.checkId, r.status])).toEqual(
			expect.arrayContaining([
				['pipeline-telemetry', 'pass'],
				['pipeline-last-run', 'pass'],
				['pipeline-templates-generated', 'pass'],
				['pipeline-build-time', 'pass'],
				['pipeline-failure-rate', 'pass'],
				['pipeline-alert-rules', 'pass'],
				['pipeline-alert-delivery', 'pass'],
			]),
		);
		expect(out.results).toHaveLength(7);
		expect(code).toBe(0);
		const byId = Object.fromEntries(out.results.map((r: { checkId: string; message: string }) => [r.checkId, r.message]));
		expect(byId['pipeline-last-run']).toBe('the last pipeline run finished 1 h ago');
		expect(byId['pipeline-build-time']).toBe('the slowest run of the last 7 days took 14 minutes');
		expect(byId['pipeline-failure-rate']).toBe('0% of pipeline runs failed in the last 7 days');
		expect(byId['pipeline-alert-rules']).toBe('all 4 pipeline alerts are defined');
	});

	it('fails when a run silently drops templates, and keeps the workshop checks out', async () => {
		stack.exporter.set(telemetry({ success: 51, failed: 1, generated: 21, expected: 24 }));
		await scraped('content_pipeline_last_run_templates_generated', 21);
		const dropped = await handbook(['checks', 'run', 'pipeline-templates-generated', '--env', 'content-pipeline'], env);
		expect(dropped.code).toBe(3);
		expect(dropped.stdout).toMatch(/FAIL +pipeline-templates-generated +the last run produced 3 templates fewer than expected: content was dropped/);
		// The workshop checks do not concern the pipeline: they are not in its catalogue.
		const list = await handbook(['checks', 'list', '--env', 'content-pipeline'], env);
		expect(list.stdout).toMatch(/^7 checks in content-pipeline:/);
	});
});
