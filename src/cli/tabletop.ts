import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { extractChecklist, extractFromParsed } from '../checklists/extract.ts';
import { ParseError, parsePage } from '../checklists/parse.ts';
import { fileForPath, pagePath } from '../checklists/registry.ts';
import { loadScenarios, parseScenario, ScenarioError, scenarioSchema, type ScenarioFile } from '../checklists/scenario.ts';
import { importSlug } from '../checklists/import.ts';
import { draftScenario, runbookIncidents, scenarioYaml, tabletopHandout } from '../checklists/tabletop.ts';
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
			incident: { type: 'string' },
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
			const incident = values.incident === undefined ? undefined : Number(values.incident) - 1;
			if (incident !== undefined && !(Number.isInteger(incident) && incident >= 0)) throw new UsageError(`--incident is the number of an incident of the runbook (1, 2, …), not "${values.incident}"`);
			const page = values['from-runbook'];
			const file = existsSync(page) && /\.mdx?$/.test(page) ? resolve(page) : fileForPath(page, docs);
			if (!file) throw new UsageError(`no docs page "${page}": give a site path such as /incidents/workspace-restart-loop/ or a Markdown file`);
			const source = readFileSync(file, 'utf8');
			const parsed = parsePage(source, relativePath(file));
			const inDocs = file.startsWith(`${docs}${sep}`);
			if (inDocs && !parsed.frontmatter.runbook) throw new UsageError(`${relativePath(file)} is not a runbook page (it has no \`runbook:\` frontmatter)`);
			const checklist = extractFromParsed(parsed, source);
			// A runbook from elsewhere: the scenario names the page \`handbook import\` makes of it.
			let path = pagePath(file, docs);
			let where = relativePath(file);
			if (!inDocs) {
				const base = `/imported/${importSlug(source, file)}/`;
				const incidents = runbookIncidents(parsed.tree, checklist.title ?? base);
				const chosen = incidents[incident ?? 0];
				path = incidents.length > 1 && chosen ? `${base}${chosen.title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9\s-]/g, ' ').split(/[\s-]+/).filter(Boolean).slice(0, 8).join('-')}/` : base;
				where = `${relativePath(file)} (its page once imported with \`handbook import ${relativePath(file)}\`: ${path})`;
				if (incidents.length > 1 && incident === undefined) err(`handbook: ${relativePath(file)} has ${incidents.length} incidents (${incidents.map((x, i) => `${i + 1}: ${x.title}`).join('; ')}); drafting 1, --incident N for another`);
			}
			let draft;
			try {
				draft = draftScenario(parsed.tree, checklist, path, { incident });
			} catch (e) {
				if (e instanceof RangeError) throw new UsageError(`${relativePath(file)}: ${e.message}`);
				throw e;
			}
			const checked = scenarioSchema.safeParse(draft);
			if (!checked.success) throw new ScenarioError(checked.error.issues.map((i) => ({ file: relativePath(file), line: 1, column: 1, path: i.path.join('.'), message: `the draft is not a valid scenario: ${i.message}` })));
			text = scenarioYaml(draft, where);
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
