import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageFacts } from '../support/html.ts';
import { builtPage, root } from '../support/site.ts';
import { checklistCoverage, incidentCoverage, runbookPartsCoverage, sourceChecklistItems, sourceIncidentTypes } from './coverage.ts';

// The program's documents, beside the repository (shared/reference/source).
const source = (name: string) => readFileSync(join(root, '../shared/reference/source/docs', name), 'utf8');

/** Whether a built page has the anchor: "/checklists/pre-workshop/#access". */
function anchorExists(target: string): boolean {
	const [path, anchor] = target.split('#') as [string, string | undefined];
	const facts = pageFacts(builtPage(path.replace(/^\/|\/$/g, '')));
	return anchor === undefined || facts.ids.has(anchor);
}

describe('coverage of the source pre-workshop checklist', () => {
	const items = sourceChecklistItems(source('PRE_WORKSHOP_CHECKLIST.md'));

	it('reads the 80 task items of the source, each under a unique name', () => {
		expect(items).toHaveLength(80);
		expect(new Set(items).size).toBe(items.length);
	});

	it('maps every source item to a page anchor, and maps nothing the source does not have', () => {
		expect(items.filter((i) => !(i in checklistCoverage))).toEqual([]);
		expect(Object.keys(checklistCoverage).filter((k) => !items.includes(k))).toEqual([]);
	});

	it('points every item at an anchor that exists in the built site', () => {
		const missing = Object.entries(checklistCoverage).filter(([, target]) => !anchorExists(target));
		expect(missing).toEqual([]);
	});
});

describe('coverage of the source incident runbook', () => {
	const runbook = source('INCIDENT_RUNBOOK.md');
	const types = sourceIncidentTypes(runbook);

	it('reads the 6 incident types and maps each to its runbook page', () => {
		expect(types).toHaveLength(6);
		expect(types.filter((t) => !(t in incidentCoverage))).toEqual([]);
		expect(Object.keys(incidentCoverage).filter((k) => !types.includes(k))).toEqual([]);
	});

	it('maps the severities, escalation, contacts and post-incident steps too', () => {
		for (const part of ['Assess severity', 'Escalation', 'Emergency Contacts', 'Post-Incident Checklist']) expect(runbook).toContain(part);
		expect(Object.keys(runbookPartsCoverage)).toHaveLength(4);
	});

	it('points every incident and part at an anchor that exists in the built site', () => {
		const missing = Object.entries({ ...incidentCoverage, ...runbookPartsCoverage }).filter(([, target]) => !anchorExists(target));
		expect(missing).toEqual([]);
	});
});

describe('the reader of source items', () => {
	it('cuts bold, code, fill-in blanks and trailing colons', () => {
		expect(sourceChecklistItems('### LiteLLM Keys\n- [ ] **Result**: AWS credentials expire on: **\\*\\*\\***\\_**\\*\\*\\***\n  - [ ] `*.ai.coder.com` → us-east-2 NLB\n')).toEqual([
			'LiteLLM Keys › Result: AWS credentials expire on',
			'LiteLLM Keys › *.ai.coder.com → us-east-2 NLB',
		]);
	});
});
