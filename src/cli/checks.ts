import { parseArgs } from 'node:util';
import type { App } from '../server/app.ts';
import { catalogue } from '../checks/catalogue.ts';
import type { CheckResult } from '../checks/runner.ts';
import { RequestError } from '../server/request-error.ts';
import { runAllConcurrency } from '../server/run-all.ts';
import { cliActor } from './people.ts';
import { exitCodeFor, exitCodes, formatJunit, formatText } from './report.ts';

// In its own module so that commands which never run checks need not load this one.
export { UsageError } from './usage-error.ts';
import { UsageError } from './usage-error.ts';

const formats = ['text', 'json', 'junit'] as const;


/** `handbook checks list`: the catalogue, one line per check. */
export function checksList(app: App, argv: string[], out: (s: string) => void): number {
	const { values } = parseArgs({ args: argv, options: { format: { type: 'string', default: 'text' }, env: { type: 'string' } }, allowPositionals: false });
	const env = app.engine.environment(values.env);
	const checks = catalogue(app.engine.handbook, env.id);
	if (values.format === 'json') {
		out(JSON.stringify(checks.map((c) => ({ id: c.id, title: c.title, kind: c.kind, access: c.access, perRegion: c.perRegion, runbook: c.runbook })), null, 2));
		return 0;
	}
	if (values.format !== 'text') throw new UsageError(`--format for "checks list" is text or json, not "${values.format}"`);
	const width = Math.max(...checks.map((c) => c.id.length));
	out(`${checks.length} checks in ${env.id}:\n`);
	for (const c of checks) out(`${c.id.padEnd(width)}  ${c.kind.padEnd(15)} ${c.perRegion ? 'per region' : '          '}  ${c.access.padEnd(11)} ${c.title}`);
	return 0;
}

/**
 * `handbook checks run <checklist | check...>`: runs a checklist as a stored run (the same record
 * a page makes), or individual checks as stored ad-hoc results. Exit 0 pass, 4 warn, 3 fail.
 */
export async function checksRun(app: App, argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		options: { env: { type: 'string' }, format: { type: 'string', default: 'text' }, workshop: { type: 'string' }, concurrency: { type: 'string', default: String(runAllConcurrency) } },
		allowPositionals: true,
	});
	const actor = await cliActor(app);
	const format = values.format as (typeof formats)[number];
	if (!formats.includes(format)) throw new UsageError(`--format is one of ${formats.join(', ')}, not "${values.format}"`);
	if (positionals.length === 0) throw new UsageError('name a checklist (e.g. pre-workshop) or one or more check ids');
	const concurrency = Number(values.concurrency);
	if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError('--concurrency is a whole number ≥ 1');
	const checklist = positionals.length === 1 ? app.service.checklists.get(positionals[0]!) : undefined;
	let env;
	try {
		// A checklist page may name its environment (the launch checklist runs against the pipeline's).
		env = app.engine.environment(values.env ?? checklist?.meta.checklist?.environment);
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
	let results: CheckResult[];
	let title: string;
	let runId: string | null = null;
	if (checklist) {
		let run;
		try {
			run = await app.service.startRun({ checklist: checklist.id, environment: env.id, workshop: values.workshop ?? null }, actor);
		} catch (e) {
			// e.g. an environment where none of the checklist's checks is defined.
			if (e instanceof RequestError && e.status === 400) throw new UsageError(e.message);
			throw e;
		}
		runId = run.id;
		title = `${checklist.title ?? checklist.id} in ${env.id} (run ${run.id})`;
		if (format === 'text') err(`Running ${checklist.id} against ${env.id} as run ${run.id} (for the ${run.workshop} workshop)…`);
		// The same run-all job as the page's button: open pages follow it live.
		const byCheck = await app.service.runAll(run.id, actor, concurrency, (id, rs) => {
			if (format === 'text') err(`  ${rs.map((r) => r.status).join('/')} ${id}`);
		});
		results = [...byCheck.values()].flat();
	} else {
		const unknown = positionals.filter((id) => !app.engine.handbook.checks.has(id));
		if (unknown.length) {
			const lists = app.service.checklists.all().map((c) => c.id).join(', ');
			throw new UsageError(`unknown checklist or check: ${unknown.join(', ')} (checklists: ${lists}; \`handbook checks list\` shows the checks)`);
		}
		title = `${positionals.join(', ')} in ${env.id}`;
		results = (await Promise.all(positionals.map((id) => app.service.runAdHoc(id, env.id, actor)))).flat();
	}
	const safe = app.engine.redactor;
	if (format === 'json') out(safe.text(JSON.stringify({ environment: env.id, run: runId, checklist: checklist?.id ?? null, results }, null, 2)));
	else if (format === 'junit') out(safe.text(formatJunit(checklist?.id ?? 'checks', results)));
	else out(safe.text(formatText(title, results, (id) => app.engine.handbook.checks.get(id)?.runbook)));
	return exitCodeFor(results);
}

export { exitCodes };
