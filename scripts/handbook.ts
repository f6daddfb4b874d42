#!/usr/bin/env node
// The handbook CLI (`npx handbook …`). Node 24 runs this TypeScript file directly.
// Every command imports its modules when it runs: the server, the check kinds (with the
// Kubernetes client) and the MDX parser cost more to load than most commands take to run.
import { enableCompileCache } from 'node:module';
import { UsageError } from '../src/cli/usage-error.ts';

// V8's code cache (and the TypeScript stripped from our sources) on disk, for the modules each
// command imports below: a second run starts without compiling them again.
enableCompileCache();

type Io = { out: (s: string) => void; err: (s: string) => void };

/** A subcommand: its words, its usage text (printed by `--help`), and what it runs. */
interface Command {
	words: string[];
	usage: string;
	run(rest: string[], io: Io): Promise<number> | number;
}

/** Runs `fn` with the app (store, engine, events), closing it afterwards. */
async function withApp<T>(fn: (app: import('../src/server/app.ts').App) => Promise<T> | T): Promise<T> {
	const { createApp } = await import('../src/server/app.ts');
	const app = await createApp();
	try {
		return await fn(app);
	} finally {
		app.events.close();
		await app.store.close();
	}
}

/** Says which values of the environment used are still unset (stderr: stdout may be JSON). */
async function reportUnset(app: import('../src/server/app.ts').App, rest: readonly string[], err: (s: string) => void): Promise<void> {
	const { unsetReport } = await import('../src/checks/load-config.ts');
	const envArg = rest.find((_, i) => rest[i - 1] === '--env') ?? rest.find((a) => a.startsWith('--env='))?.slice(6);
	for (const line of unsetReport(app.engine.handbook, envArg ?? app.engine.handbook.defaultEnvironment)) err(`handbook: unset, checks needing it report "not configured": ${line}`);
}

const commands: Command[] = [
	{
		words: ['checks', 'list'],
		usage: `checks list [--env ID] [--format text|json]
      The check catalogue of an environment.`,
		run: async (rest, { out, err }) => {
			const { checksList } = await import('../src/cli/checks.ts');
			return withApp(async (app) => (await reportUnset(app, rest, err), checksList(app, rest, out)));
		},
	},
	{
		words: ['checks', 'run'],
		usage: `checks run <checklist | check-id...> [--env ID] [--format text|json|junit] [--workshop ID]
      Runs a checklist (stored as a run, like one started on its page) or single checks.
      Exit code: 0 all passed, 4 a warning, 3 a failure or error, 2 usage or config error.`,
		run: async (rest, { out, err }) => {
			const { checksRun } = await import('../src/cli/checks.ts');
			return withApp(async (app) => (await reportUnset(app, rest, err), checksRun(app, rest, out, err)));
		},
	},
	{
		words: ['checklists', 'extract'],
		usage: `checklists extract [paths] [--format json]
      Every checklist item of the pages (default src/content/docs) as JSON.`,
		run: async (rest, { out, err }) => (await import('../src/cli/checklists.ts')).checklistsExtract(rest, out, err),
	},
	{
		words: ['checklists', 'lint'],
		usage: `checklists lint [paths] [--format text|json|sarif] [--config FILE] [--no-config] [--threads N]
      Lints pages (default the docs, plus the rehearsal scenarios). Exit 3 on errors, 0 otherwise.`,
		run: async (rest, { out, err }) => (await import('../src/cli/checklists.ts')).checklistsLint(rest, out, err),
	},
	{
		words: ['import'],
		usage: `import <file.md>... [--out DIR] [--kind checklist|runbook] [--config FILE] [--no-config] [--force]
      Turns plain Markdown checklists and runbooks into handbook pages (MDX) in DIR (default
      src/content/docs/imported), and prints a report: blanks made fields, commands moved into
      code blocks, runbook sections missing, and suggested <Check> bindings (never bound silently).`,
		run: async (rest, { out, err }) => (await import('../src/cli/import.ts')).importPages(rest, out, err),
	},
	{
		words: ['tabletop'],
		usage: `tabletop <scenario> [--out FILE]
      The facilitator's handout (Markdown) of a rehearsal scenario.
  tabletop --from-runbook <page> [--incident N] [--out FILE]
      A draft scenario (YAML) from a runbook page (/incidents/x/ or any Markdown file).`,
		run: async (rest, { out, err }) => (await import('../src/cli/tabletop.ts')).tabletop(rest, out, err),
	},
	{
		words: ['retro', 'new'],
		usage: `retro new <month> [--env ID] [--out FILE] [--force] [--from ISO --to ISO] [--no-prometheus]
      Writes the workshop's retrospective page (src/content/docs/records/retros/<month>.mdx),
      prefilled from its stored runs and Prometheus; what they cannot know is left to fill.`,
		run: async (rest, { out, err }) => {
			const { retroNew } = await import('../src/cli/records.ts');
			return withApp((app) => retroNew(app, rest, out, err));
		},
	},
	{
		words: ['retro', 'issues'],
		usage: `retro issues <month> [--format markdown|json|gh] [--site URL] [--page FILE]
      A GitHub-issue-ready block for each open action item without an issue, and each incident
      or help request marked for follow-up. Prints only; no network call.`,
		run: async (rest, { out, err }) => {
			const { retroIssues } = await import('../src/cli/records.ts');
			return withApp((app) => retroIssues(app, rest, out, err));
		},
	},
	{
		words: ['invite'],
		usage: `invite <name> --role facilitator|on-call|approver [--expires 7d]
      Prints a one-time sign-in link that signs that person in with that role (names are
      unique; system, anonymous and scenario are reserved). Exit 2 for a refused name or option.`,
		run: async (rest, { out }) => {
			const { invite } = await import('../src/cli/people.ts');
			return withApp((app) => invite(app, rest, out));
		},
	},
	{
		words: ['capacity'],
		usage: `capacity --users N [--format text|json] [--nodes N] [--env ID] [--template-cpu|-memory|-storage X] [--node-cpu|-memory|-storage X]
      Provisioner and LiteLLM replicas (floor and recommended), nodes, headroom and storage for N users.`,
		run: async (rest, { out }) => {
			const [{ capacity }, { loadConfig }, { kinds }] = await Promise.all([import('../src/cli/capacity.ts'), import('../src/checks/load-config.ts'), import('../src/checks/kinds/index.ts')]);
			return capacity(await loadConfig(kinds), rest, out);
		},
	},
	{
		words: ['calendar'],
		usage: `calendar [--months N] [--from MONTH] [--site URL]
      The monthly workshops and their T-7..T+2 milestones as iCalendar, on stdout.`,
		run: async (rest) => {
			const [{ calendar }, { loadConfig }, { kinds }] = await Promise.all([import('../src/cli/records.ts'), import('../src/checks/load-config.ts'), import('../src/checks/kinds/index.ts')]);
			return calendar((await loadConfig(kinds)).cadence, rest, (s) => process.stdout.write(s));
		},
	},
];

const usage = `Usage: handbook <command> [options]   (handbook <command> --help for one command)

${commands.map((c) => `  ${c.usage}`).join('\n')}

Environment: HANDBOOK_CONFIG (default ./handbook.config.ts), HANDBOOK_DATA_DIR (default ./data),
HANDBOOK_ACTOR (the name your actions are recorded under; default the OS user),
HANDBOOK_SITE_URL (the address invite links point to).
`;

const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h');

async function main(argv: string[]): Promise<number> {
	const io: Io = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };
	const [group] = argv;
	if (!group || group === '--help' || group === '-h' || group === 'help') {
		io.out(usage);
		return group ? 0 : 2;
	}
	const command = commands.find((c) => c.words.every((w, i) => argv[i] === w));
	// `handbook checks --help`: the usage of every command of the group.
	const inGroup = commands.filter((c) => c.words[0] === group);
	try {
		if (!command) {
			if (inGroup.length && wantsHelp(argv.slice(1))) {
				io.out(`Usage: handbook ${inGroup.map((c) => c.usage).join('\n  handbook ')}`);
				return 0;
			}
			throw new UsageError(`unknown command "${argv.slice(0, 2).join(' ')}"${inGroup.length ? `; "${group}" takes ${inGroup.map((c) => c.words.slice(1).join(' ')).join(' or ')}` : ''}`);
		}
		const rest = argv.slice(command.words.length);
		if (wantsHelp(rest)) {
			io.out(`Usage: handbook ${command.usage}`);
			return 0;
		}
		return await command.run(rest, io);
	} catch (e) {
		if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
			io.err(`handbook: ${(e as Error).message}\n\n${command ? `Usage: handbook ${command.usage}` : usage}`);
			return 2;
		}
		// Config and store errors are the user's to fix: their message, no stack.
		const [{ ConfigError }, { StoreUnavailableError }] = await Promise.all([import('../src/checks/load-config.ts'), import('../src/store/store.ts')]);
		if (e instanceof ConfigError || e instanceof StoreUnavailableError) {
			io.err(`handbook: ${(e as Error).message}`);
			return 2;
		}
		throw e;
	}
}

const code = await main(process.argv.slice(2));
// Exit once output is flushed: keep-alive sockets of finished probes must not hold the CLI open.
process.stdout.write('', () => process.exit(code));
