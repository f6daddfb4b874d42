import type { Heading, Root } from 'mdast';
import { plainText } from '../extract.ts';
import type { LintRule } from './rule.ts';

/** The required H2s of a runbook, in order, with the headings accepted for each. */
export const runbookSections: ReadonlyArray<{ name: string; aliases: readonly string[] }> = [
	{ name: 'Symptoms', aliases: [] },
	{ name: 'Impact', aliases: ['Impact and severity'] },
	{ name: 'Diagnosis', aliases: ['Troubleshooting'] },
	{ name: 'Mitigation', aliases: ['Possible resolutions'] },
	{ name: 'Rollback', aliases: [] },
	{ name: 'Escalation', aliases: [] },
	{ name: 'Communication', aliases: [] },
	{ name: 'After the incident', aliases: [] },
];

/** A top-level H2 section of a page and the lines it covers. */
export interface Section {
	heading: Heading;
	title: string;
	start: number;
	end: number;
}

/** Top-level H2 sections of a page with the line range each covers. */
export function sections(tree: Root): Section[] {
	const out: Section[] = [];
	for (const node of tree.children) {
		if (node.type !== 'heading' || node.depth > 2) continue;
		const last = out.at(-1);
		if (last) last.end = node.position!.start.line - 1;
		if (node.depth === 2) out.push({ heading: node, title: plainText(node).replace(/\s+/g, ' ').trim(), start: node.position!.start.line, end: Infinity });
	}
	return out;
}

/** The index in `runbookSections` a heading title stands for, or -1. */
export const runbookSectionIndex = (title: string) => runbookSections.findIndex((s) => [s.name, ...s.aliases].some((n) => n.toLowerCase() === title.toLowerCase()));

/** The runbook sections a page has, by their index in `runbookSections` (the first of each). */
export function presentSections(tree: Root): Map<number, Section> {
	const present = new Map<number, Section>();
	for (const section of sections(tree)) {
		const i = runbookSectionIndex(section.title);
		if (i >= 0 && !present.has(i)) present.set(i, section);
	}
	return present;
}

const isRunbook = (frontmatter: Record<string, unknown>) => Boolean(frontmatter.runbook) && typeof frontmatter.runbook === 'object';
export { isRunbook };

/** RB001: a runbook page has every section, in order. */
export const runbookSectionsRule: LintRule = {
	id: 'RB001',
	name: 'runbook-sections',
	severity: 'error',
	description: 'A page with `runbook:` frontmatter has the H2 sections Symptoms, Impact, Diagnosis, Mitigation, Rollback, Escalation, Communication and After the incident, in that order.',
	trigger: /^runbook:/m,
	page({ tree, frontmatter, frontmatterAt }, report) {
		if (!isRunbook(frontmatter)) return;
		const order = runbookSections.map((s) => s.name).join(', ');
		const seen = new Set<number>();
		let highest = -1;
		let highestTitle = '';
		for (const section of sections(tree)) {
			const i = runbookSectionIndex(section.title);
			if (i < 0 || seen.has(i)) continue;
			seen.add(i);
			if (i < highest) report(section.heading.position!.start, `"## ${section.title}" comes after "## ${highestTitle}"; runbook sections go in this order: ${order}`);
			else [highest, highestTitle] = [i, section.title];
		}
		const missing = runbookSections.filter((_, i) => !seen.has(i)).map((s) => s.name);
		if (missing.length) report(frontmatterAt(['runbook']), `a runbook page needs the H2 section${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"## ${m}"`).join(', ')} (order: ${order})`);
	},
};
