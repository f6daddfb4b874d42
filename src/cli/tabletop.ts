import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { extractChecklist, extractFromParsed } from '../checklists/extract.ts';
import { ParseError, parsePage } from '../checklists/parse.ts';
import { fileForPath, pagePath } from '../checklists/registry.ts';
import { loadScenarios, parseScenario, ScenarioError, scenarioSchema, type ScenarioFile } from '../checklists/scenario.ts';
import { draftScenario, scenarioYaml, tabletopHandout } from '../checklists/tabletop.ts';
import { UsageError } from './usage-error.ts';
import { defaults, relativePath } from './checklists.ts';

/** A scenario by id (looked up in the scenarios directory) or by the path of its YAML file. */
function findScenario(name: string, dir: string): ScenarioFile {
	const file = /\.ya?ml$/.test(name) ? resolve(name) : join(dir, `${name}.yaml`);
	if (!existsSync(file)) {
		const known = existsSync(dir) ? loadScenarios(dir).map((s) => s.scenario.id) : [];
		throw new UsageError(`no scenario "${name}"${known.length ? ` (scenarios: ${known.join(', ')})` : ` in ${relativePath(dir)}`}`);
	}
	return parseScenario(readFileSync(file, 'utf8'), relativePath(file));
}

/**
 * `handbook tabletop <scenario> [--out FILE]`: the facilitator's handout (Markdown) from the
 * scenario and its runbook's items. `handbook tabletop --from-runbook <page> [--out FILE]`: a
 * draft scenario (YAML) from a runbook page, given as a site path or a file.
 */
export function tabletop(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
	const { values, positionals } = parseArgs({
		args: argv,
		options: {
			out: { type: 'string' },
			'from-runbook': { type: 'string' },
			docs: { type: 'string', default: defaults.docs },
			scenarios: { type: 'string', default: defaults.scenarios },
		},
		allowPositionals: true,
	});
	const docs = resolve(values.docs);
	let text: string;
	try {
		if (values['from-runbook'] !== undefined) {
			if (positionals.length) throw new UsageError('--from-runbook takes the runbook page; name no scenario with it');
			const page = values['from-runbook'];
			const file = existsSync(page) && /\.mdx?$/.test(page) ? resolve(page) : fileForPath(page, docs);
			if (!file) throw new UsageError(`no docs page "${page}": give a site path such as /incidents/workspace-restart-loop/ or a page file`);
			const source = readFileSync(file, 'utf8');
			const parsed = parsePage(source, relativePath(file));
			if (!parsed.frontmatter.runbook) throw new UsageError(`${relativePath(file)} is not a runbook page (it has no \`runbook:\` frontmatter)`);
			const draft = draftScenario(parsed.tree, extractFromParsed(parsed, source), pagePath(file, docs));
			scenarioSchema.parse(draft);
			text = scenarioYaml(draft, relativePath(file));
		} else {
			if (positionals.length !== 1) throw new UsageError('name one scenario, e.g. `handbook tabletop workspace-restart-loop`, or use --from-runbook <page>');
			const { scenario, file: scenarioFile } = findScenario(positionals[0]!, resolve(values.scenarios));
			const runbookFile = fileForPath(scenario.runbook, docs);
			if (!runbookFile) throw new ScenarioError([{ file: scenarioFile, line: 1, column: 1, path: 'runbook', message: `no docs page at ${scenario.runbook}` }]);
			text = tabletopHandout(scenario, extractChecklist(readFileSync(runbookFile, 'utf8'), relativePath(runbookFile)));
		}
	} catch (e) {
		if (e instanceof ScenarioError) {
			err(`handbook: invalid scenario:\n${e.message}`);
			return 2;
		}
		if (e instanceof ParseError) {
			err(`handbook: ${e.message}`);
			return 2;
		}
		throw e;
	}
	text = text.replace(/\n+$/, '');
	if (values.out) {
		writeFileSync(values.out, `${text}\n`);
		err(`wrote ${values.out}`);
	} else out(text);
	return 0;
}
