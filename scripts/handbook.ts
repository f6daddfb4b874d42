#!/usr/bin/env node
// The handbook CLI (`npx handbook …`). Node 24 runs this TypeScript file directly.
import { ConfigError, loadConfig } from '../src/checks/load-config.ts';
import { checksList, checksRun, exitCodes, UsageError } from '../src/cli/checks.ts';
import { calendar, retroIssues, retroNew } from '../src/cli/records.ts';
import { kinds } from '../src/checks/kinds/index.ts';
import { createApp } from '../src/server/app.ts';
import { StoreUnavailableError } from '../src/store/store.ts';

const usage = `Usage: handbook <command> [options]

  checks list [--env ID] [--format text|json]
      The check catalogue of an environment.
  checks run <checklist | check-id...> [--env ID] [--format text|json|junit] [--workshop ID]
      Runs a checklist (stored as a run, like one started on its page) or single checks.
      Exit code: 0 all passed, 4 a warning, 3 a failure or error, 2 usage or config error.
  checklists extract [paths] [--format json]
      Every checklist item of the pages (default src/content/docs) as JSON.
  checklists lint [paths] [--format text|json|sarif] [--config FILE] [--no-config]
      Lints pages (default the docs, plus the rehearsal scenarios). Exit 3 on errors, 0 otherwise.
  tabletop <scenario> [--out FILE]
      The facilitator's handout (Markdown) of a rehearsal scenario.
  tabletop --from-runbook <page> [--out FILE]
      A draft scenario (YAML) from a runbook page (/incidents/x/ or its file).
  retro new <month> [--env ID] [--out FILE] [--force] [--from ISO --to ISO] [--no-prometheus]
      Writes the workshop's retrospective page (src/content/docs/records/retros/<month>.mdx),
      prefilled from its stored runs and Prometheus; what they cannot know is left to fill.
  retro issues <month> [--format markdown|json|gh] [--site URL] [--page FILE]
      A GitHub-issue-ready block for each open action item without an issue, and each incident
      or help request marked for follow-up. Prints only; no network call.
  invite <name> --role facilitator|on-call|approver [--expires 7d]
      Prints a one-time sign-in link that signs that person in with that role (names are
      unique; system, anonymous and scenario are reserved). Exit 2 for a refused name or option.
  calendar [--months N] [--from MONTH] [--site URL]
      The monthly workshops and their T-7..T+2 milestones as iCalendar, on stdout.

Environment: HANDBOOK_CONFIG (default ./handbook.config.ts), HANDBOOK_DATA_DIR (default ./data),
HANDBOOK_ACTOR (the name your actions are recorded under; default the OS user),
HANDBOOK_SITE_URL (the address invite links point to).
`;

async function main(argv: string[]): Promise<number> {
	const [group, command, ...rest] = argv;
	const out = (s: string) => process.stdout.write(s + '\n');
	const err = (s: string) => process.stderr.write(s + '\n');
	if (!group || group === '--help' || group === '-h' || group === 'help') {
		out(usage);
		return group ? 0 : exitCodes.usage;
	}
	try {
		if (group === 'checks' && (command === 'list' || command === 'run')) {
			const app = await createApp();
			try {
				return command === 'list' ? checksList(app, rest, out) : await checksRun(app, rest, out, err);
			} finally {
				app.events.close();
				app.store.close();
			}
		}
		if (group === 'checklists' && command === 'extract') return (await import('../src/cli/checklists.ts')).checklistsExtract(rest, out, err);
		if (group === 'checklists' && command === 'lint') return await (await import('../src/cli/checklists.ts')).checklistsLint(rest, out, err);
		if (group === 'tabletop') return (await import('../src/cli/tabletop.ts')).tabletop([command, ...rest].filter((a) => a !== undefined), out, err);
		if (group === 'retro' && command === 'new') {
			const app = await createApp();
			try {
				return await retroNew(app, rest, out, err);
			} finally {
				app.events.close();
				app.store.close();
			}
		}
		if (group === 'retro' && command === 'issues') {
			const app = await createApp();
			try {
				return retroIssues(app, rest, out, err);
			} finally {
				app.events.close();
				app.store.close();
			}
		}
		if (group === 'invite') {
			const app = await createApp();
			try {
				return (await import('../src/cli/people.ts')).invite(app, argv.slice(1), out);
			} finally {
				app.events.close();
				app.store.close();
			}
		}
		if (group === 'calendar') return calendar((await loadConfig(kinds)).cadence, argv.slice(1), (s) => process.stdout.write(s));
		throw new UsageError(`unknown command "${[group, command].filter(Boolean).join(' ')}"`);
	} catch (e) {
		if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
			err(`handbook: ${(e as Error).message}\n\n${usage}`);
			return exitCodes.usage;
		}
		if (e instanceof ConfigError || e instanceof StoreUnavailableError) {
			err(`handbook: ${(e as Error).message}`);
			return exitCodes.usage;
		}
		throw e;
	}
}

const code = await main(process.argv.slice(2));
// Exit once output is flushed: keep-alive sockets of finished probes must not hold the CLI open.
process.stdout.write("", () => process.exit(code));
