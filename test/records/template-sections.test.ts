import { describe, expect, it } from 'vitest';
import { scaffoldRetro, renderRetroPage, scaffoldSections } from '../../src/records/scaffold.ts';
import { readTemplateSections, templateSections, toFillFromTemplate } from '../../src/records/template-sections.ts';
import { validateRetroPage } from '../../src/records/retro.ts';
import { parsePage } from '../../src/checklists/parse.ts';
import { cadenceSchema } from '../../src/checks/config.ts';

// The default cadence (first Tuesday, 16:00 UTC, 90 minutes).
const cadence = cadenceSchema.parse(undefined);
const scaffold = () =>
	scaffoldRetro({
		workshop: '2026-12',
		environment: 'local',
		cadence,
		preWorkshop: null,
		tMinus1: null,
		workshopDay: null,
		window: { start: new Date('2026-12-01T16:00:00Z'), end: new Date('2026-12-01T17:30:00Z'), source: 'the cadence' },
		peaks: null,
	});

describe('templateSections', () => {
	const source = `---
title: T
---

Intro, not a section.

## What went well

Name what worked, {'so'} it is *kept*: see [the guide](/facilitators/guide/).

- [ ] **Scribe**: Recorded <Field name="went-well" type="text" />

## Metrics

| a | b |
| - | - |

Prose after a table is not guidance.

### Incidents

## Approvals

- [x] **Product team lead**: Approved <Field name="approval-product" type="person" />
- Not a task item
`;
	const sections = templateSections(source, 'template.mdx');

	it('reads the ## sections in order with their anchors, guidance and task items', () => {
		expect(sections.map((s) => [s.heading, s.slug, s.guidance.length, s.items.length])).toEqual([
			['What went well', 'what-went-well', 1, 1],
			['Metrics', 'metrics', 0, 0],
			['Approvals', 'approvals', 0, 1],
		]);
	});

	it('asks with the guidance, or with the items (ticks cleared, fields removed) where there is none, escaped for MDX', () => {
		expect(toFillFromTemplate(sections[0]!)).toBe("**To fill:** Name what worked, {'so'} it is _kept_: see [the guide](/facilitators/guide/).");
		expect(toFillFromTemplate(sections[2]!)).toBe('**To fill:**\n\n- **Product team lead**: Approved');
		expect(toFillFromTemplate({ heading: 'A <b> {x}', slug: 'a', guidance: [{ type: 'paragraph', children: [{ type: 'text', value: 'Use <Field> and {braces} * here' }] }], items: [] })).toBe('**To fill:** Use \\<Field> and \\{braces} \\* here');
	});
});

describe('renderRetroPage from the template page', () => {
	const template = readTemplateSections();

	it("writes every section of the template page in its order, with the template's own questions", () => {
		const page = renderRetroPage(scaffold(), '../RetroRecord.astro', template);
		expect([...page.matchAll(/^## (.+)$/gm)].map((m) => m[1])).toEqual(template.map((s) => s.heading));
		expect(page).toContain('## Lessons learned\n\n**To fill:**\n\n- **Facilitator**: What we learned\n');
		expect(page).toContain('## Where we got lucky\n\n**To fill:** Things that did not go wrong, but could have');
		expect(page).toContain('## Metrics\n\nEach metric against its target');
		expect(page).not.toContain('<Field');
		// It parses as MDX and its retro frontmatter is valid.
		expect(() => parsePage(page, '2026-12.mdx')).not.toThrow();
		expect(() => validateRetroPage(page, '2026-12.mdx')).not.toThrow();
	});

	it('refuses a template that lost a section the scaffold writes into, naming it', () => {
		for (const slug of scaffoldSections) expect(template.some((s) => s.slug === slug)).toBe(true);
		expect(() => renderRetroPage(scaffold(), '../RetroRecord.astro', template.filter((s) => s.slug !== 'feedback'))).toThrow(/no section #feedback, which the scaffold writes into/);
	});
});
