import type { Heading, Root, RootContent } from 'mdast';
import { plainText } from './extract.ts';
import { runbookSections } from './lint-rules/runbook-sections.ts';

/** The handbook's runbook sections (RB001's order). */
export type SectionName = (typeof runbookSections)[number]['name'];

/**
 * The handbook section a runbook heading or bold label of another project stands for, by the
 * words teams use for it (openshift's Meaning / Impact / Diagnosis / Mitigation, the platform
 * team's Symptoms / Likely Causes / Diagnosis / Resolution / Permanent Fix …).
 */
const sectionWords: ReadonlyArray<[SectionName, RegExp]> = [
	['Symptoms', /^(?:symptoms?|signs?|meaning|what you see|alert|overview of the alert|description)$/],
	['Impact', /^(?:impact|impact and severity|severity|blast radius|who is affected)$/],
	['Diagnosis', /^(?:diagnosis|diagnose|diagnostics?|troubleshooting|investigation|investigate|likely causes?|possible causes?|causes?|root causes?|checks)$/],
	['Mitigation', /^(?:mitigation|mitigate|resolution|resolve|immediate(?: actions?)?|fix|remediation|workaround|temporary workaround|possible resolutions?|actions?|response)$/],
	['Rollback', /^(?:rollback|roll back|revert|undo)$/],
	['Escalation', /^(?:escalation|escalate|when to escalate|contacts?|emergency contacts)$/],
	['Communication', /^(?:communications?|comms|messaging|status updates?)$/],
	['After the incident', /^(?:after the incident|permanent fix(?:es)?|follow[- ]?ups?|prevention|post[- ]incident|lessons learned|long[- ]term fix)$/],
];

/**
 * The handbook section a label names, or null.
 *
 * @example
 * sectionFor('Likely Causes') // → 'Diagnosis'
 * sectionFor('Permanent Fix') // → 'After the incident'
 */
export function sectionFor(label: string): SectionName | null {
	const l = label
		.toLowerCase()
		.replace(/^\d+[.)]\s*/, '')
		.replace(/[:.]\s*$/, '')
		.trim();
	return sectionWords.find(([, words]) => words.test(l))?.[0] ?? null;
}

/** The label a block gives a part of a runbook: a heading, or a paragraph that is only `**Label**:`. */
export function labelOf(node: RootContent): string | null {
	if (node.type === 'heading') return plainText(node).trim();
	if (node.type !== 'paragraph') return null;
	const [first, ...rest] = node.children;
	if (first?.type !== 'strong' || !rest.every((c) => c.type === 'text' && /^\s*:?\s*$/.test(c.value))) return null;
	return plainText(first).replace(/:\s*$/, '').trim();
}

/** One incident of a runbook: its heading (null for the whole page) and the blocks under it. */
export interface Incident {
	title: string;
	heading: Heading | null;
	/** Index in the root's children of the first block under the heading, and one past the last. */
	start: number;
	end: number;
}

/** Where each heading's section ends (index of the next heading as high or higher, or the end). */
function sectionEnd(children: readonly RootContent[], i: number): number {
	const depth = (children[i] as Heading).depth;
	for (let j = i + 1; j < children.length; j++) {
		const c = children[j]!;
		if (c.type === 'heading' && c.depth <= depth) return j;
	}
	return children.length;
}

/**
 * The incidents of a runbook page: the headings whose part of the page holds labels of two
 * runbook sections, one of them Symptoms or Diagnosis (a heading that is itself such a label
 * is part of an incident, not one), innermost first wins. A page with one incident over its
 * whole length (openshift's one alert per page) gives that one.
 *
 * @example
 * findIncidents(parsePage(incidentRunbook, 'INCIDENT_RUNBOOK.md').tree).map((i) => i.title)
 * // → ['Workspace Restarts / Self-Healing Loop', 'Subdomain Routing Failures', …]
 */
export function findIncidents(tree: Root): Incident[] {
	const children = tree.children;
	const qualifies = (i: number) => {
		const end = sectionEnd(children, i);
		const found = new Set<SectionName>();
		for (let j = i + 1; j < end; j++) {
			const label = labelOf(children[j]!);
			const section = label ? sectionFor(label) : null;
			if (section) found.add(section);
		}
		return found.size >= 2 && (found.has('Symptoms') || found.has('Diagnosis'));
	};
	const candidates: Incident[] = [];
	children.forEach((node, i) => {
		if (node.type !== 'heading' || sectionFor(plainText(node)) || !qualifies(i)) return;
		candidates.push({ title: plainText(node).replace(/^\s*\d+[.)]\s*/, '').trim(), heading: node, start: i + 1, end: sectionEnd(children, i) });
	});
	// An incident that contains another is a group of incidents ("## Common Incidents").
	return candidates.filter((c) => !candidates.some((d) => d !== c && d.start > c.start && d.end <= c.end));
}

/** One part of an incident page: a handbook section and the blocks that go in it, with the source's own label kept as a subheading. */
export interface MappedSection {
	name: SectionName;
	blocks: RootContent[];
}

/**
 * Sorts an incident's blocks into the handbook's sections, in the handbook's order. Blocks
 * before the first label are the introduction. A label that is not the section's own name stays
 * as an H3 ("Likely Causes" under Diagnosis); other headings move under their section (H3 or
 * deeper). `moved` is true when the source had the sections in another order.
 *
 * @example
 * mapSections(tree.children.slice(incident.start, incident.end), incident.heading?.depth ?? 1).sections.map((s) => s.name)
 * // → ['Symptoms', 'Diagnosis', 'Mitigation', 'After the incident']
 */
export function mapSections(blocks: readonly RootContent[], incidentDepth: number): { intro: RootContent[]; sections: MappedSection[]; moved: boolean } {
	const intro: RootContent[] = [];
	const byName = new Map<SectionName, RootContent[]>();
	const seen: SectionName[] = [];
	const generated = new Set<RootContent>();
	let current: SectionName | null = null;
	for (const block of blocks) {
		const label = labelOf(block);
		const section = label ? sectionFor(label) : null;
		if (block.type === 'thematicBreak') continue;
		if (section) {
			current = section;
			seen.push(section);
			if (!byName.has(section)) byName.set(section, []);
			const into = byName.get(section)!;
			const own = label!.replace(/^\d+[.)]\s*/, '');
			// The source's label stays as a subheading, unless it is the section's own name at its start;
			// a label with nothing under it before the next gives way to it.
			if (into.length && generated.has(into.at(-1)!)) into.pop();
			if (own.toLowerCase() !== section.toLowerCase() || into.length) {
				const heading: RootContent = { type: 'heading', depth: 3, children: [{ type: 'text', value: own }] };
				generated.add(heading);
				into.push(heading);
			}
			continue;
		}
		const moved = block.type === 'heading' ? { ...block, depth: Math.min(6, Math.max(3, block.depth - incidentDepth + 2)) as Heading['depth'] } : block;
		if (current) byName.get(current)!.push(moved);
		else intro.push(moved);
	}
	const names = runbookSections.map((s) => s.name as SectionName);
	const sections = names.filter((n) => byName.has(n)).map((name) => ({ name, blocks: byName.get(name)! }));
	const moved = seen.some((n, i) => i > 0 && names.indexOf(n) < names.indexOf(seen[i - 1]!));
	return { intro, sections, moved };
}
