import { describe, expect, it } from 'vitest';
import { builtPage, contentSlugs } from '../support/site.ts';
import { pageFacts } from '../support/html.ts';

const slugs = contentSlugs();

// The handbook's pages for its three audiences (issue 2): a page missing here is a hole in the site.
const required = [
	'',
	'participants/guide',
	'participants/troubleshooting',
	'facilitators/guide',
	'facilitators/cadence',
	'checklists/pre-workshop',
	'checklists/t-minus-1',
	'checklists/workshop-day',
	'planning/capacity',
	'records/retrospective-template',
	'launch/operations',
	'incidents',
	'incidents/workspace-restart-loop',
	'incidents/subdomain-routing-failure',
	'incidents/ai-gateway-auth-failure',
	'incidents/resource-contention',
	'incidents/image-pull-failure',
	'incidents/provisioner-failure',
];

describe('content pages', () => {
	it('has every page the handbook promises', () => {
		expect(slugs).toEqual(expect.arrayContaining(required));
	});

	it.each(slugs)('/%s renders with its title and real content', (slug) => {
		const page = pageFacts(builtPage(slug));
		expect(page.title).toMatch(/\| Workshop Handbook$|^Workshop Handbook$/);
		expect(page.h1.length).toBeGreaterThan(0);
		expect(page.mainText.length).toBeGreaterThan(800);
		expect(page.mainText).not.toMatch(/\b(TODO|TBD|FIXME|lorem ipsum)\b/i);
	});
});

describe('runbook pages', () => {
	const sections = ['Symptoms', 'Impact', 'Diagnosis', 'Mitigation', 'Rollback', 'Escalation', 'Communication', 'After the incident'];
	const runbooks = slugs.filter((s) => s.startsWith('incidents/'));

	it('exist for each incident in the domain table', () => {
		expect(runbooks).toHaveLength(6);
	});

	it.each(runbooks)('/%s has every required section, in order', (slug) => {
		const headings = pageFacts(builtPage(slug)).h2.map((h) => h.text);
		const found = sections.map((s) => headings.indexOf(s));
		expect(found, `sections of ${slug}: ${headings.join(' | ')}`).not.toContain(-1);
		expect([...found].sort((a, b) => a - b)).toEqual(found);
	});

	it.each(runbooks)('/%s keeps its diagnosis commands in code blocks', (slug) => {
		const html = builtPage(slug);
		const start = html.indexOf('id="diagnosis"');
		const end = html.indexOf('id="mitigation"');
		expect(start, 'a Diagnosis section').toBeGreaterThan(-1);
		expect(end, 'a Mitigation section after it').toBeGreaterThan(start);
		expect(html.slice(start, end)).toMatch(/<pre[^>]*>/);
	});
});
