import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { extractChecklist, type ChecklistItem } from '../checklists/extract.ts';
import { formatLintJson, formatLintText, formatSarif, summarize } from '../checklists/lint-report.ts';
import { lintFiles, type FileJob } from '../checklists/lint-files.ts';
import { configChecks, lintNumbersInFiles } from '../checklists/lint-rules/numbers.ts';
import { lintSite, locateChecks, sortFindings, type LintContext } from '../checklists/lint.ts';
import { ParseError } from '../checklists/parse.ts';
import { pageFiles, pagePath } from '../checklists/registry.ts';
import { UsageError } from './usage-error.ts';

/** Where the CLI reads pages and scenarios from by default, relative to the working directory. */
export const defaults = { docs: 'src/content/docs', scenarios: 'src/content/scenarios' } as const;

/** Exit codes: 0 clean (warnings allowed), 3 errors found, 2 usage or config error. */
export const lintExitCodes = { clean: 0, usage: 2, errors: 3 } as const;

/** A path relative to the working directory, with forward slashes. */
export const relativePath = (file: string, cwd = process.cwd()) => relative(cwd, file).split(sep).join('/') || '.';

/** Every .md / .mdx file named by `paths` (files as given, directories walked), sorted, each once. */
export function collectPages(paths: readonly string[], cwd = process.cwd()): string[] {
	const files = new Set<string>();
	for (const p of paths) {
		const abs = resolve(cwd, p);
		if (!existsSync(abs)) throw new UsageError(`no such file or directory: ${p}`);
		if (statSync(abs).isDirectory()) for (const f of pageFiles(abs)) files.add(f);
		else files.add(abs);
	}
	return [...files].sort();
}

/**
 * `handbook checklists extract [paths] [--format json]`: every checklist item of the pages as
 * JSON, in page order. Exit 3 when a page does not parse (the others are still printed).
 */
export function checklistsExtract(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
	const { values, positionals } = parseArgs({ args: argv, options: { format: { type: 'string', default: 'json' } }, allowPositionals: true });
	if (values.format !== 'json') throw new UsageError(`--format for "checklists extract" is json, not "${values.format}"`);
	const files = collectPages(positionals.length ? positionals : [defaults.docs]);
	const items: ChecklistItem[] = [];
	let failed = false;
	for (const file of files) {
		try {
			items.push(...extractChecklist(readFileSync(file, 'utf8'), relativePath(file)).items);
		} catch (e) {
			if (!(e instanceof ParseError)) throw e;
			err(`handbook: ${e.message}`);
			failed = true;
		}
	}
	out(JSON.stringify(items, null, 2));
	return failed ? lintExitCodes.errors : 0;
}

const lintFormats = ['text', 'json', 'sarif'] as const;

/**
 * The config as the lint needs it: the checks with where each id is written, and the regions.
 * The config is read with its schema only: the per-kind parameter checks would load every check
 * kind (the Kubernetes client among them), which costs more than linting the docs, and the
 * engine runs them itself whenever it starts (`npm start`, `handbook checks …`).
 */
export async function loadLintConfig(explicit?: string): Promise<NonNullable<LintContext['config']>> {
	const [{ configPath, ConfigError }, { configSchema }] = await Promise.all([import('../checks/load-config.ts'), import('../checks/config.ts')]);
	const file = configPath(explicit);
	if (!existsSync(file)) throw new ConfigError(file, [{ path: '(file)', message: 'no such file (set HANDBOOK_CONFIG or run from the project directory)' }]);
	let mod: { default?: unknown };
	try {
		mod = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { default?: unknown };
	} catch (err) {
		throw new ConfigError(file, [{ path: '(file)', message: `cannot be loaded: ${(err as Error).message.split('\n')[0]}` }]);
	}
	const parsed = configSchema.safeParse(mod.default);
	if (!parsed.success) throw new ConfigError(file, parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })));
	const checks = parsed.data.checks.map((c) => ({ id: c.id, runbook: c.runbook }));
	const regions = [...new Set(Object.values(parsed.data.environments).flatMap((e) => e.regions.map((r) => r.name)))];
	return { file: relativePath(file), checks: locateChecks(readFileSync(file, 'utf8'), checks), regions };
}

/**
 * `handbook checklists lint [paths] [--format text|json|sarif]`: lints pages (default the docs)
 * against handbook.config.ts. Linting the whole docs directory also runs the site-wide rules
 * (unused checks, checks' runbook links) and checks the rehearsal scenarios.
 */
export async function checklistsLint(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		options: {
			format: { type: 'string', default: 'text' },
			config: { type: 'string' },
			'no-config': { type: 'boolean', default: false },
			docs: { type: 'string', default: defaults.docs },
			scenarios: { type: 'string', default: defaults.scenarios },
			threads: { type: 'string' },
		},
		allowPositionals: true,
	});
	const threads = values.threads === undefined ? undefined : Number(values.threads);
	if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new UsageError(`--threads is a whole number of threads, 1 or more, not "${values.threads}"`);
	const format = values.format as (typeof lintFormats)[number];
	if (!lintFormats.includes(format)) throw new UsageError(`--format is one of ${lintFormats.join(', ')}, not "${values.format}"`);
	const docs = resolve(values.docs);
	const targets = positionals.length ? positionals : [values.docs];
	const files = collectPages(targets);
	const siteWide = targets.some((t) => resolve(t) === docs);

	const configLoad = values['no-config'] ? Promise.resolve(null) : loadLintConfig(values.config);
	// The checks' outcome rules (CK011) come from the full config load, with every check kind: it
	// costs more than the schema alone, so it too runs while the pages are parsed (on worker
	// threads, when there are many), and its error, if any, is reported where it was before.
	const checksLoad = values['no-config'] ? null : configChecks(values.config);
	checksLoad?.catch(() => {});
	// Linting the docs also reads every docs page: checks' runbook links and the scenarios resolve
	// against them. Other pages are linted on their own (no per-page rule reads another page).
	const docsFiles = siteWide && existsSync(docs) ? pageFiles(docs) : [];
	const inDocs = (f: string) => f.startsWith(`${docs}${sep}`);
	const jobs: FileJob[] = [...new Set([...docsFiles, ...files])].map((f) => ({ file: f, rel: relativePath(f), path: inDocs(f) ? pagePath(f, docs) : null }));
	// Pages are parsed while the config loads.
	const results = await lintFiles(jobs, configLoad.then((c) => (c ? c.checks.map((x) => x.id) : null)), threads);
	const config = await configLoad;
	const wanted = new Set(files.map((f) => relativePath(f)));
	const linted = results.filter((r) => wanted.has(r.rel));
	const findings = linted.flatMap((r) => r.findings);
	const site = new Map(results.filter((r) => r.path && r.anchors).map((r) => [r.path!, new Set(r.anchors)]));
	if (config && siteWide) findings.push(...lintSite(config, site, new Set(linted.flatMap((r) => r.bound))));
	if (config) findings.push(...lintNumbersInFiles(linted, await checksLoad!));

	const scenarioDir = resolve(values.scenarios);
	let scenarioFiles = 0;
	if (siteWide && existsSync(scenarioDir)) {
		const { lintScenario } = await import('../checklists/lint-scenario.ts');
		const byPath = new Map(results.filter((r) => r.path && r.checklist).map((r) => [r.path!, r.checklist!]));
		const world = { page: (path: string) => byPath.get(path), checks: config ? new Set(config.checks.map((c) => c.id)) : null, regions: config ? new Set(config.regions) : null };
		for (const name of readdirSync(scenarioDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
			const file = join(scenarioDir, name);
			findings.push(...lintScenario(readFileSync(file, 'utf8'), relativePath(file), world));
			scenarioFiles++;
		}
	}
	sortFindings(findings);

	const count = linted.length + scenarioFiles;
	if (format === 'json') out(formatLintJson(findings, count));
	else if (format === 'sarif') {
		const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
		out(JSON.stringify(formatSarif(findings, { version: pkg.version, root: pathToFileURL(`${process.cwd()}/`).href }), null, 2));
	} else out(formatLintText(findings, count));
	if (format !== 'text') {
		const { errors, warnings } = summarize(findings, count);
		err(`${errors} errors, ${warnings} warnings in ${count} files`);
	}
	return findings.some((f) => f.severity === 'error') ? lintExitCodes.errors : lintExitCodes.clean;
}
