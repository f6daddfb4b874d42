import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VFile } from 'vfile';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { FrontmatterError, parseFrontmatter } from '../../src/checklists/frontmatter.ts';
import { ChecklistRegistry } from '../../src/checklists/registry.ts';
import remarkChecklist, { isChecklistPage } from '../../src/checklists/remark-checklist.ts';

const thrown = (f: () => unknown): FrontmatterError => {
	try {
		f();
	} catch (err) {
		return err as FrontmatterError;
	}
	throw new Error('expected a FrontmatterError');
};

describe('parseFrontmatter', () => {
	it("parses the handbook's keys with the content schemas and applies their defaults", () => {
		const meta = parseFrontmatter({ title: 'Board', checklist: { id: 'workshop-day', phase: 'day', watch: { checks: ['healthz'] } }, runbook: { id: 'RB-X', severity: 'P1' } }, 'board.mdx');
		expect(meta.checklist).toEqual({ id: 'workshop-day', phase: 'day', watch: { checks: ['healthz'], everySeconds: 60 }, gate: false });
		expect(meta.runbook).toEqual({ id: 'RB-X', severity: 'P1', checks: [] });
	});

	it('refuses bad frontmatter naming the file and every wrong field', () => {
		const err = thrown(() => parseFrontmatter({ checklist: { id: 'Pre Workshop', phase: 'T-9', watch: { checks: ['ok', 'Bad Id'] } } }, 'docs/x.mdx'));
		expect(err).toBeInstanceOf(FrontmatterError);
		expect(err.issues.map((i) => i.path)).toEqual(['checklist.id', 'checklist.phase', 'checklist.watch.checks[1]']);
		expect(err.message).toMatch(/^docs\/x\.mdx: invalid frontmatter:\n {2}- checklist\.id: a check id is kebab-case/);
	});

	it('leaves pages without handbook keys alone', () => {
		expect(parseFrontmatter({ title: 'Guide', sidebar: { order: 1 } }, 'guide.mdx')).toEqual({});
		expect(parseFrontmatter(undefined, 'empty.md')).toEqual({});
	});
});

describe('frontmatter read by the server registry and the remark plugin', () => {
	it('gives the registry parsed values (the environment, the gate default) and refuses a bad page by file and field', () => {
		const dir = mkdtempSync(join(tmpdir(), 'hb-fm-'));
		mkdirSync(join(dir, 'checklists'));
		writeFileSync(join(dir, 'checklists/launch.mdx'), '---\ntitle: Launch\nchecklist: { id: launch, phase: launch, environment: pipeline }\n---\n\n- [ ] Ready\n');
		const registry = new ChecklistRegistry(dir);
		expect(registry.get('launch')?.meta.checklist).toEqual({ id: 'launch', phase: 'launch', environment: 'pipeline', gate: false });
		writeFileSync(join(dir, 'checklists/bad.mdx'), '---\ntitle: Bad\nchecklist: { id: bad, phase: launch, gate: "yes" }\n---\n\n- [ ] Ready\n');
		const err = thrown(() => registry.all());
		expect(err).toBeInstanceOf(FrontmatterError);
		expect(err.message).toContain(`${join(dir, 'checklists/bad.mdx')}: invalid frontmatter:\n  - checklist.gate:`);
	});

	it('with recheckMs (the server), trusts the listing and the file times that long, then follows an edit', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'hb-recheck-'));
		const page = (title: string) => writeFileSync(join(dir, 'launch.mdx'), `---\ntitle: ${title}\nchecklist: { id: launch, phase: launch }\n---\n\n- [ ] Ready\n`);
		page('Launch');
		const server = new ChecklistRegistry(dir, undefined, { recheckMs: 200 });
		const cli = new ChecklistRegistry(dir);
		expect(server.get('launch')?.title).toBe('Launch');
		expect(cli.get('launch')?.title).toBe('Launch');
		page('Launch day');
		utimesSync(join(dir, 'launch.mdx'), new Date(), new Date(Date.now() + 5000));
		expect(cli.get('launch')?.title).toBe('Launch day');
		expect(server.get('launch')?.title).toBe('Launch');
		await new Promise((r) => setTimeout(r, 250));
		expect(server.get('launch')?.title).toBe('Launch day');
	});

	it('makes a page live only for valid checklist or runbook frontmatter, refusing a bad one in the plugin', () => {
		expect(isChecklistPage({ runbook: { id: 'RB-X', severity: 'P2' } }, 'r.mdx')).toBe(true);
		expect(isChecklistPage({ title: 'Guide' }, 'g.mdx')).toBe(false);
		const plugin = remarkChecklist({ Check: '/c', Field: '/f', ChecklistItem: '/i' });
		const file = new VFile({ path: 'docs/r.mdx', value: '- [ ] x\n', data: { astro: { frontmatter: { runbook: { id: 'restart-loop', severity: 'P1' } } } } });
		expect(() => plugin(unified().use(remarkParse).parse('- [ ] x\n'), file)).toThrow(/^docs\/r\.mdx: invalid frontmatter:\n {2}- runbook\.id: a runbook id looks like "RB-RESTART-LOOP"/);
	});
});
