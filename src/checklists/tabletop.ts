import type { ListItem, Nodes, Root, RootContent } from 'mdast';
import { stringify } from 'yaml';
import { renderMessage } from '../checks/outcome.ts';
import { plainText, textItemId, type Checklist, type ChecklistItem } from './extract.ts';
import { findIncidents, labelOf, mapSections, type Incident } from './import-runbook.ts';
import { formatOffset, type Scenario, type ScenarioInput } from './scenario.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** The H2 section an item is in (its outermost heading). */
const sectionOf = (item: ChecklistItem) => item.headingPath[0] ?? '(top of the page)';

/**
 * The facilitator's handout of a tabletop rehearsal, in Markdown: overview, the narrative to
 * read out, the hidden cause, roles, the inject timeline (the master scenario events list), the
 * expected actions with their targets, the runbook's checklist by section with the expected items
 * marked, the discussion questions and the hot-wash prompts.
 *
 * @example
 * tabletopHandout(scenario, extractChecklist(runbookSource, 'workspace-restart-loop.mdx'))
 * // → '# Tabletop: Restart loop on a full node\n\n…'
 */
export function tabletopHandout(scenario: Scenario, runbook: Checklist): string {
	const expected = new Map(scenario.expectedActions.map((a) => [a.item, a]));
	const itemById = new Map(runbook.items.map((i) => [i.id, i]));
	const out: string[] = [];
	out.push(`# Tabletop: ${scenario.title}`, '');
	out.push(
		`Facilitator's handout for the \`${scenario.id}\` rehearsal of the [${runbook.title ?? scenario.runbook}](${scenario.runbook}) runbook. The hidden cause, the injects and the expected actions are for the facilitator and evaluators only; the players work from the runbook page, in a rehearsal run whose checks return the scripted outcomes below.`,
		'',
	);
	out.push('| | |', '| --- | --- |');
	out.push(`| Runbook | [${runbook.title ?? scenario.runbook}](${scenario.runbook}) |`);
	out.push(`| Duration | ${scenario.durationMinutes} minutes, then a hot wash of about 15 |`);
	out.push(`| Difficulty | ${scenario.difficulty} of 5 |`);
	out.push(`| Injects | ${scenario.injects.length}, from ${formatOffset(Math.min(...scenario.injects.map((i) => i.at)))} to ${formatOffset(Math.max(...scenario.injects.map((i) => i.at)))} |`);
	out.push(`| Expected actions | ${scenario.expectedActions.length} |`, '');

	out.push('## Narrative', '', 'Read this out to start the clock.', '');
	out.push(...scenario.narrative.trim().split('\n').map((l) => `> ${l}`), '');

	out.push('## Hidden cause', '', 'Facilitator only: do not read this out.', '', scenario.hiddenCause.trim(), '');

	out.push('## Roles', '', '| Role | Plays |', '| --- | --- |');
	for (const r of scenario.roles) out.push(`| ${cell(r.role)} | ${cell(r.brief)} |`);
	out.push('');

	out.push('## Injects', '', 'Deliver each at its time. Check injects are what a rehearsal run returns for that check from then on (healthy before); read the others out.', '');
	out.push('| Time | Inject | What the players see | Observed values |', '| --- | --- | --- | --- |');
	const injects = scenario.injects.map((inject, index) => ({ inject, index })).sort((a, b) => a.inject.at - b.inject.at || a.index - b.index);
	for (const { inject } of injects) {
		const observed = inject.observed ?? {};
		const what = inject.check ? `\`${inject.check}\`${inject.region ? ` in ${inject.region}` : ''}: **${inject.status}**` : (inject.channel ?? 'facilitator');
		const values = Object.entries(observed).map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`);
		const seen = renderMessage(inject.message, { region: inject.region ?? null, ...observed });
		out.push(`| ${formatOffset(inject.at)} | ${cell(what)} | ${cell(seen)} | ${values.length ? cell(values.join('; ')) : '—'} |`);
	}
	out.push('');

	out.push('## Expected actions', '', 'What the players should do, by when. The after-action report times each one.', '');
	out.push('| Item | Section | By |', '| --- | --- | --- |');
	for (const a of scenario.expectedActions) {
		const item = itemById.get(a.item);
		out.push(`| ${cell(item?.text ?? a.item)} (\`${a.item}\`) | ${cell(item ? sectionOf(item) : 'not on the runbook')} | ${a.by === null ? '—' : formatOffset(a.by)} |`);
	}
	out.push('');

	out.push('## The runbook checklist', '', 'Every item of the runbook, by section, as the players see it; ★ marks an expected action.', '');
	const sections = new Map<string, ChecklistItem[]>();
	for (const item of runbook.items) sections.set(sectionOf(item), [...(sections.get(sectionOf(item)) ?? []), item]);
	for (const [section, items] of sections) {
		out.push(`### ${section}`, '');
		for (const item of items) {
			const mark = expected.has(item.id) ? '★ ' : '';
			const ids = item.checkId === item.id ? `check \`${item.id}\`` : `\`${item.id}\`${item.checkId ? `, check \`${item.checkId}\`` : ''}`;
			out.push(`${'  '.repeat(item.depth)}- ${mark}${item.text || '(no text)'} (${ids})`);
		}
		out.push('');
	}

	out.push('## Discussion questions', '');
	scenario.discussionQuestions.forEach((q, i) => out.push(`${i + 1}. ${q}`));
	out.push('');

	out.push('## Hot wash', '', 'Right after the exercise, about 15 minutes; the Scribe writes the answers into the after-action report.', '');
	out.push('- What went well?');
	out.push('- What went wrong or took too long?');
	out.push('- Where did we get lucky?');
	out.push('- Which runbook items were unclear, wrong or missing? Name them by id.');
	out.push('- Which corrective actions do we take, who owns each, and by when?', '');
	return out.join('\n');
}

/** The first-paragraph text of every list item directly under the H2 section `title`. */
function sectionBullets(tree: Root, title: string): string[] {
	const out: string[] = [];
	let inside = false;
	const collect = (node: Nodes) => {
		if (node.type === 'listItem') {
			const p = (node as ListItem).children.find((c) => c.type === 'paragraph');
			if (p) out.push(plainText(p).replace(/\s+/g, ' ').trim());
		}
		if ('children' in node) for (const child of node.children as Nodes[]) collect(child);
	};
	for (const node of tree.children) {
		if (node.type === 'heading' && node.depth <= 2) inside = node.depth === 2 && plainText(node).trim().toLowerCase() === title.toLowerCase();
		else if (inside) collect(node);
	}
	return out.filter(Boolean);
}

/** Role tags (`**IC**:`) that start the runbook's items, in order of first use. */
function rolesOf(tree: Root): string[] {
	const roles = new Set<string>();
	const walk = (node: Nodes) => {
		if (node.type === 'listItem' && typeof node.checked === 'boolean') {
			const first = node.children[0];
			const strong = first?.type === 'paragraph' ? first.children[0] : undefined;
			if (strong?.type === 'strong') roles.add(plainText(strong).trim());
		}
		if ('children' in node) for (const child of node.children as Nodes[]) walk(child);
	};
	walk(tree);
	return [...roles];
}

/** The text of a step: a list item's first paragraph, or a comment line of a shell block. */
function stepsOf(blocks: readonly RootContent[], under: (heading: string) => boolean = () => true): string[] {
	const out: string[] = [];
	let heading = '';
	for (const block of blocks) {
		if (block.type === 'heading') heading = plainText(block);
		if (!under(heading)) continue;
		if (block.type === 'list') {
			for (const item of block.children) {
				const p = item.children.find((c) => c.type === 'paragraph');
				const t = p ? plainText(p).replace(/\s+/g, ' ').trim() : '';
				if (t) out.push(t);
			}
		} else if (block.type === 'code') {
			for (const line of block.value.split('\n')) {
				const m = /^\s*#\s+(.{8,})$/.exec(line);
				if (m) out.push(m[1]!.trim());
			}
		} else if (block.type === 'paragraph' && !labelOf(block)) {
			const t = plainText(block).replace(/\s+/g, ' ').trim();
			if (t.length > 20) out.push(t);
		}
	}
	return out;
}

/** What a draft is made of: the symptoms, the diagnosis steps, the mitigation steps as item ids. */
interface Outline {
	title: string;
	symptoms: string[];
	/** The causes the runbook tells apart, when it lists them. */
	causes: string[];
	diagnosis: Array<{ text: string; checkId: string | null }>;
	/** Item ids of the top-level mitigation steps. */
	mitigation: string[];
}

/** Options of `draftScenario`. */
export interface DraftOptions {
	/** Which incident of a runbook with several (0-based; see `findIncidents`). */
	incident?: number;
}

/**
 * The incidents a runbook page covers: its own `findIncidents`, or the whole page as one.
 *
 * @example
 * runbookIncidents(parsePage(source, 'INCIDENT_RUNBOOK.md').tree, 'Incidents') // → [{ title: 'Workspace Restarts / Self-Healing Loop', … }, …]
 */
export function runbookIncidents(tree: Root, title: string): Incident[] {
	const found = findIncidents(tree);
	return found.length ? found : [{ title, heading: null, start: 0, end: tree.children.length }];
}

/**
 * The outline of a runbook: its task items when its Diagnosis and Mitigation sections have them
 * (the handbook's runbooks), else the steps of the chosen incident's sections, read as `handbook
 * import` maps them (Symptoms, Diagnosis, Mitigation: "Resolution", "Immediate", …). Steps that
 * are not task items get the id they would have as one (`- [ ] step`).
 */
function outline(tree: Root, runbook: Checklist, fallbackTitle: string, options: DraftOptions): Outline {
	const title = runbook.title ?? fallbackTitle;
	const diagnosisItems = runbook.items.filter((i) => i.headingPath[0] === 'Diagnosis' && i.depth === 0);
	const mitigationItems = runbook.items.filter((i) => i.headingPath[0] === 'Mitigation' && i.depth === 0);
	if (diagnosisItems.length || mitigationItems.length) {
		return {
			title,
			symptoms: sectionBullets(tree, 'Symptoms'),
			causes: [],
			diagnosis: diagnosisItems.map((i) => ({ text: i.text, checkId: i.checkId })),
			mitigation: (mitigationItems.length ? mitigationItems : runbook.items.slice(0, 3)).map((i) => i.id),
		};
	}
	const incidents = runbookIncidents(tree, title);
	const n = options.incident ?? 0;
	const incident = incidents[n];
	if (!incident) throw new RangeError(`the runbook has ${incidents.length} incident${incidents.length === 1 ? '' : 's'} (${incidents.map((x, i) => `${i + 1}: ${x.title}`).join('; ')}), no incident ${n + 1}`);
	const { intro, sections } = mapSections(tree.children.slice(incident.start, incident.end), incident.heading?.depth ?? 1);
	const blocks = (name: string) => sections.find((s) => s.name === name)?.blocks ?? [];
	const symptoms = stepsOf(blocks('Symptoms'));
	// "Likely causes" under Diagnosis are what the facilitator hides, not what the players do.
	const isCauses = (heading: string) => /\bcauses?\b/i.test(heading);
	return {
		title: incidents.length > 1 || !runbook.title ? incident.title : title,
		symptoms: symptoms.length ? symptoms : stepsOf(intro),
		causes: stepsOf(blocks('Diagnosis'), isCauses),
		diagnosis: stepsOf(blocks('Diagnosis'), (h) => !isCauses(h)).map((text) => ({ text, checkId: null })),
		mitigation: stepsOf(blocks('Mitigation')).map(textItemId),
	};
}

/**
 * A draft scenario for a runbook page: the Symptoms become the first inject, the Diagnosis items
 * (or steps, for a runbook without task items) observation injects two minutes apart (check
 * injects for items bound to a check), the top-level Mitigation items (or steps) the expected
 * actions. The draft validates, but its injects say "draft": write what the players really see
 * before using it.
 *
 * @example
 * draftScenario(parsePage(src, 'x.mdx').tree, extractChecklist(src, 'x.mdx'), '/incidents/workspace-restart-loop/').injects[0].at // → '+0m'
 */
export function draftScenario(tree: Root, runbook: Checklist, path: string, options: DraftOptions = {}): ScenarioInput {
	const slug = path.replace(/\/$/, '').split('/').pop() || 'scenario';
	const o = outline(tree, runbook, slug, options);
	const diagnosis = o.diagnosis.slice(0, 5);
	const roles = rolesOf(tree);
	const injects: ScenarioInput['injects'] = [
		{ at: '+0m', channel: 'participant report', message: o.symptoms.slice(0, 2).join('; ') || `Players report the problem ${o.title} describes.` },
		...diagnosis.map((item, i) =>
			item.checkId
				? { at: formatOffset((i + 1) * 120), check: item.checkId, status: 'fail' as const, observed: {}, message: `draft: what ${item.checkId} shows when the players run "${item.text}"` }
				: { at: formatOffset((i + 1) * 120), channel: 'observation', message: `draft: what the players see when they "${item.text}"` },
		),
	];
	const expected = o.mitigation.length ? o.mitigation : runbook.items.slice(0, 3).map((i) => i.id);
	if (!expected.length) throw new RangeError(`${o.title}: the runbook has no mitigation steps and no checklist items, so a rehearsal has no expected actions`);
	return {
		id: slug,
		title: `Rehearsal: ${o.title}`,
		runbook: path,
		difficulty: 2,
		durationMinutes: 30,
		narrative: `During the hands-on part of a workshop with 20 participants: ${o.symptoms.length ? o.symptoms.slice(0, 3).join('; ').replace(/[.\s]+$/, '') : `players report what ${o.title} describes`}.`,
		hiddenCause: o.causes.length ? `draft: pick the cause the players must find, one of: ${o.causes.join('; ')}.` : `draft: the cause the players must find, one of those the ${o.title} runbook tells apart.`,
		roles: [
			{ role: 'Facilitator', brief: 'Runs the clock, delivers the injects, answers "what do I see?", does not prompt.' },
			...roles.map((role) => ({ role, brief: `Works the items marked ${role} on the runbook.` })),
		],
		injects,
		expectedActions: expected,
		discussionQuestions: [
			'What told you the cause, and how early could you have known it?',
			'Which mitigation did you choose first, and why that one?',
			'When would you have escalated, and to whom?',
			'What did participants hear from us, and when?',
			'Which runbook item was unclear, wrong or missing?',
		],
	};
}

/** A draft scenario as YAML, with a header saying where it came from and what to do with it. */
export function scenarioYaml(draft: ScenarioInput, source: string): string {
	return `# Draft rehearsal scenario generated from ${source} by \`handbook tabletop --from-runbook\`.\n# Replace every "draft:" text, set the check injects' observed values, then save it as\n# src/content/scenarios/${draft.id}.yaml and check it with \`npm run lint\`.\n${stringify(draft, { lineWidth: 100 })}`;
}
