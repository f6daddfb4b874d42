// Extract + lint throughput against markdownlint-cli2 on the same generated corpus, in one run.
//
//   node bench/lint.bench.ts [--pages 1000] [--runs 2] [--keep]
//
// The corpus is the handbook's own pages copied until there are --pages of them (the first copy
// at their real paths, so the config's runbook links resolve), each copy with its own line so no
// two files are identical. Both tools are measured in-process (library calls on the files) and
// end to end (their CLI as a subprocess, Node start-up included); the best of --runs counts, the
// two tools taking turns.
// Then both CLIs on a real corpus, the openshift runbooks, for wall time and peak memory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { main as markdownlint } from 'markdownlint-cli2';
import { kinds } from '../src/checks/kinds/index.ts';
import { loadConfig } from '../src/checks/load-config.ts';
import { defaultThreads, lintFiles } from '../src/checklists/lint-files.ts';
import { lintSite, locateChecks, type LintContext } from '../src/checklists/lint.ts';
import { pageFiles, pagePath } from '../src/checklists/registry.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { pages: { type: 'string', default: '1000' }, runs: { type: 'string', default: '2' }, keep: { type: 'boolean', default: false } } });
const pageCount = Number(values.pages);
const runs = Number(values.runs);

/** Writes the corpus and returns its directory and files. */
function generateCorpus(): { dir: string; files: string[]; bytes: number } {
	const docs = join(root, 'src/content/docs');
	const templates = pageFiles(docs).map((f) => ({ rel: relative(docs, f), source: readFileSync(f, 'utf8') }));
	const dir = mkdtempSync(join(tmpdir(), 'handbook-lint-bench-'));
	const files: string[] = [];
	let bytes = 0;
	for (let i = 0; i < pageCount; i++) {
		const t = templates[i % templates.length]!;
		const copy = Math.floor(i / templates.length);
		const file = copy === 0 ? join(dir, t.rel) : join(dir, 'copies', String(copy).padStart(3, '0'), t.rel);
		const source = `${t.source.trimEnd()}\n\nCopy ${copy} of this page, generated for the lint benchmark.\n`;
		mkdirSync(dirname(file), { recursive: true });
		writeFileSync(file, source);
		files.push(file);
		bytes += Buffer.byteLength(source);
	}
	return { dir, files, bytes };
}

type Timed<T> = { ms: number; result: T };

/**
 * Best wall time of `runs` runs of each of `fns` after one warm-up each, in ms, and the last
 * run's result. The runs take turns (a, b, a, b …), so a spell of load from elsewhere on the
 * shared machine weighs on both sides of a ratio alike.
 */
async function best<T extends unknown[]>(...fns: { [K in keyof T]: () => Promise<T[K]> | T[K] }): Promise<{ [K in keyof T]: Timed<T[K]> }> {
	const out = [] as Array<Timed<unknown>>;
	for (const fn of fns) out.push({ ms: Infinity, result: await fn() });
	for (let i = 0; i < runs; i++) {
		for (const [k, fn] of fns.entries()) {
			const start = performance.now();
			const result = await fn();
			out[k] = { ms: Math.min(out[k]!.ms, performance.now() - start), result };
		}
	}
	return out as { [K in keyof T]: Timed<T[K]> };
}

const corpus = generateCorpus();
const handbook = await loadConfig(kinds, join(root, 'handbook.config.ts'));
const config: NonNullable<LintContext['config']> = {
	file: 'handbook.config.ts',
	checks: locateChecks(readFileSync(handbook.file, 'utf8'), [...handbook.checks.values()]),
	regions: [...handbook.environments.values()].flatMap((e) => e.regions.map((r) => r.name)),
};

// In-process: read, parse, extract and lint every page, as `checklists lint` does (worker
// threads when the machine has more than one core), then the site-wide rules.
const jobs = corpus.files.map((f) => ({ file: f, rel: relative(corpus.dir, f), path: pagePath(f, corpus.dir) }));
const lintCorpus = async (threads: number) => {
	const results = await lintFiles(jobs, config.checks.map((c) => c.id), threads);
	const site = new Map(results.filter((r) => r.anchors).map((r) => [r.path!, new Set(r.anchors)]));
	return [...results.flatMap((r) => r.findings), ...lintSite(config, site, new Set(results.flatMap((r) => r.bound)))];
};
const threads = defaultThreads(jobs.length);
// In-process: markdownlint-cli2's own entry point, default rules, output discarded.
const markdownlintCorpus = async () => {
	let issues = 0;
	await markdownlint({ directory: corpus.dir, argv: ['**/*.{md,mdx}'], logMessage: () => {}, logError: () => issues++ });
	return issues;
};
const [ours, theirs] = await best(() => lintCorpus(threads), markdownlintCorpus);
const oursOneThread = threads > 1 ? (await best(() => lintCorpus(1)))[0] : ours;

// End to end: each CLI as a subprocess, from Node start-up to exit.
// The CPU time each run used (GNU time), lowest of the runs: on a machine busy with other work
// the wall time follows the load, the CPU time much less.
const cliCpu = [Infinity, Infinity];
const cli = (command: string[], cwd: string, k: number) => () => {
	const out = join(corpus.dir, `cli-time-${k}.txt`);
	// Output is discarded (markdownlint-cli2 prints every finding on stderr).
	const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', out, process.execPath, ...command], { cwd, stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '' } });
	// 1 and 3 mean "findings", which a corpus of copies has; anything else is a broken run.
	if (r.error || (r.status !== 0 && r.status !== 1 && r.status !== 3)) throw new Error(`${command.join(' ')} failed: ${r.error?.message ?? `exit ${r.status}`}`);
	const [user, sys] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
	cliCpu[k] = Math.min(cliCpu[k]!, user! + sys!);
	return r.status;
};
const [oursCli, theirsCli] = await best(
	cli([join(root, 'scripts/handbook.ts'), 'checklists', 'lint', '--docs', corpus.dir, '--scenarios', join(corpus.dir, 'none'), corpus.dir, '--format', 'json'], root, 0),
	cli([join(root, 'node_modules/markdownlint-cli2/markdownlint-cli2-bin.mjs'), '**/*.{md,mdx}'], corpus.dir, 1),
);

const rate = (ms: number) => (corpus.files.length / (ms / 1000)).toFixed(0).padStart(7);
const row = (name: string, ms: number) => `${name.padEnd(42)} ${ms.toFixed(0).padStart(7)} ms ${rate(ms)} files/s`;
const ratio = (a: number, b: number) => `${(b / a).toFixed(2)}x`;
console.log(`corpus: ${corpus.files.length} pages, ${(corpus.bytes / 1e6).toFixed(1)} MB (${corpus.dir}); best of ${runs} runs after a warm-up; Node ${process.version}`);
console.log('');
console.log(row(`handbook checklists lint, in-process, ${threads} thread${threads > 1 ? 's' : ''}`, ours.ms) + `   (${ours.result.length} findings)`);
if (threads > 1) console.log(row('handbook checklists lint, in-process, 1 thread', oursOneThread.ms));
console.log(row('markdownlint-cli2, in-process', theirs.ms) + `   (${theirs.result} findings)`);
console.log(`${'ratio (handbook / markdownlint-cli2)'.padEnd(42)} ${ratio(ours.ms, theirs.ms)} as fast`);
console.log('');
console.log(row('handbook checklists lint, CLI', oursCli.ms));
console.log(row('markdownlint-cli2, CLI', theirsCli.ms));
console.log(`${'ratio (handbook / markdownlint-cli2)'.padEnd(42)} ${ratio(oursCli.ms, theirsCli.ms)} as fast`);
// Ours spreads the parse over worker threads, so on an idle 2-core machine its wall time is about
// half its CPU time; on a saturated one the two converge.
console.log(`${'CPU time, s (handbook / markdownlint-cli2)'.padEnd(42)} ${cliCpu[0]!.toFixed(1)} / ${cliCpu[1]!.toFixed(1)} = ${(cliCpu[0]! / cliCpu[1]!).toFixed(2)}`);

// A real corpus of plain Markdown: the openshift runbooks (../shared/corpus/), each CLI on the
// whole directory, wall time and peak resident memory (GNU time's maximum RSS) side by side.
const realCorpus = resolve(root, '../shared/corpus/openshift-runbooks');
const timed = (command: string[], cwd: string) => {
	const out = join(corpus.dir, 'time.txt');
	let best = { ms: Infinity, kb: Infinity, cpu: Infinity };
	for (let i = 0; i <= runs; i++) {
		const start = performance.now();
		const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', out, process.execPath, ...command], { cwd, stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '' } });
		const ms = performance.now() - start;
		if (r.error || (r.status !== 0 && r.status !== 1 && r.status !== 3)) throw new Error(`${command.join(' ')} failed: ${r.error?.message ?? `exit ${r.status}`}`);
		// The first run warms the file cache; the best of the others counts, for time and memory alike.
		const [kb, user, sys] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
		if (i > 0) best = { ms: Math.min(best.ms, ms), kb: Math.min(best.kb, kb!), cpu: Math.min(best.cpu, user! + sys!) };
	}
	return best;
};
const realFiles = existsSync(realCorpus) ? pageFiles(realCorpus).length : 0;
const real = realFiles
	? {
			ours: timed([join(root, 'scripts/handbook.ts'), 'checklists', 'lint', '--no-config', realCorpus], root),
			theirs: timed([join(root, 'node_modules/markdownlint-cli2/markdownlint-cli2-bin.mjs'), '**/*.md'], realCorpus),
		}
	: null;
if (real) {
	console.log('');
	console.log(`openshift runbooks: ${realFiles} pages (${relative(root, realCorpus)}), CLI start to exit, best of ${runs}`);
	console.log(`${'handbook checklists lint --no-config'.padEnd(42)} ${real.ours.ms.toFixed(0).padStart(7)} ms ${(real.ours.kb / 1024).toFixed(0).padStart(5)} MiB peak ${real.ours.cpu.toFixed(2).padStart(6)} s CPU`);
	console.log(`${'markdownlint-cli2'.padEnd(42)} ${real.theirs.ms.toFixed(0).padStart(7)} ms ${(real.theirs.kb / 1024).toFixed(0).padStart(5)} MiB peak ${real.theirs.cpu.toFixed(2).padStart(6)} s CPU`);
	// On a shared machine the wall time follows the load; the CPU time each used is steadier.
	console.log(`${'CPU time (handbook / markdownlint-cli2)'.padEnd(42)} ${(real.ours.cpu / real.theirs.cpu).toFixed(2)}`);
}

// The lines `npm run bench` gathers into its table.
console.log('');
for (const [name, a, b, goal] of [['in-process', ours.ms, theirs.ms, 1], ['CLI, start-up included', oursCli.ms, theirsCli.ms, 1.5]] as const) {
	console.log(`${b / a >= goal ? 'ok  ' : 'MISS'}  extract + lint vs markdownlint-cli2 (${corpus.files.length} pages, ${name}): ${rate(a).trim()} vs ${rate(b).trim()} files/s = ${(b / a).toFixed(2)}× (goal ≥ ${goal})`);
}
console.log(`ok    for reference, CPU time of those CLI runs, handbook / markdownlint-cli2: ${cliCpu[0]!.toFixed(1)} / ${cliCpu[1]!.toFixed(1)} s = ${(cliCpu[0]! / cliCpu[1]!).toFixed(2)} (the wall-time ratio tends to it as the machine gets busier)`);
if (real) {
	const time = real.ours.ms / real.theirs.ms;
	const memory = real.ours.kb / real.theirs.kb;
	console.log(`${time <= 0.5 ? 'ok  ' : 'MISS'}  lint wall time / markdownlint-cli2's, ${realFiles} openshift runbooks, CLI: ${(real.ours.ms / 1000).toFixed(2)} / ${(real.theirs.ms / 1000).toFixed(2)} s = ${time.toFixed(2)} (goal ≤ 0.5)`);
	console.log(`${memory <= 1.5 ? 'ok  ' : 'MISS'}  lint peak memory / markdownlint-cli2's, ${realFiles} openshift runbooks, CLI: ${(real.ours.kb / 1024).toFixed(0)} / ${(real.theirs.kb / 1024).toFixed(0)} MiB = ${memory.toFixed(2)} (goal ≤ 1.5)`);
} else console.log(`MISS  openshift runbooks not found at ${realCorpus}: the corpus figures were not measured`);

if (values.keep) console.log(`\nkept ${corpus.dir}`);
else rmSync(corpus.dir, { recursive: true, force: true });

