import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { extractChecklist, type ChecklistItem } from '../../src/checklists/extract.ts';
import { blanksToFields, guessFieldType } from '../../src/checklists/import-blanks.ts';
import { comparableText, importMarkdown, type ImportOptions } from '../../src/checklists/import.ts';
import { lintPages, preparePage, runbookSections } from '../../src/checklists/lint.ts';
import { parsePage } from '../../src/checklists/parse.ts';
import { importPages } from '../../src/cli/import.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { handbook } from '../support/cli.ts';
import { root } from '../support/site.ts';

const sourceDocs = join(root, '../shared/reference/source/docs');
const checklistFile = join(sourceDocs, 'PRE_WORKSHOP_CHECKLIST.md');
const runbookFile = join(sourceDocs, 'INCIDENT_RUNBOOK.md');
const options: ImportOptions = { siteBase: '/imported/', linkTargets: new Map(), checks: [] };

/** Items as the comparison needs them: text (blanks aside), depth, parent by position, checked. */
const shape = (items: readonly ChecklistItem[]) =>
	items.map((i) => ({ text: comparableText(i.text), depth: i.depth, parent: i.parentId === null ? -1 : items.findIndex((p) => p.id === i.parentId), checked: i.checked }));

/** The items of each imported page, read back from its MDX with the extractor, page after page. */
const pageItems = (pages: ReadonlyArray<{ file: string; source: string }>) => pages.map((p) => extractChecklist(p.source, p.file).items);

const noFindings = (pages: ReadonlyArray<{ file: string; source: string }>) => lintPages(pages.map((p) => preparePage(p.source, p.file, null)), { config: null, site: new Map(), siteWide: false });

describe('handbook import: the platform team\'s pre-workshop checklist', () => {
	const source = readFileSync(checklistFile, 'utf8');
	const report = importMarkdown(source, checklistFile, options);

	it('keeps every item: text (its blank now a field), order, nesting and checked state', () => {
		expect(report.kind).toBe('checklist');
		expect(report.pages.map((p) => p.file)).toEqual(['pre-workshop-validation-checklist.mdx']);
		const from = extractChecklist(source, 'PRE_WORKSHOP_CHECKLIST.md').items;
		const [to] = pageItems(report.pages);
		expect(from.length).toBe(80);
		expect(shape(to!)).toEqual(shape(from));
		// The nesting is really there: not every item is top level.
		expect(new Set(to!.map((i) => i.depth))).toEqual(new Set([0, 1]));
	});

	it('makes the blanks typed fields, inside items and out, and writes frontmatter the site accepts', () => {
		const [to] = pageItems(report.pages);
		const fieldOf = (text: string) => to!.find((i) => i.text.startsWith(text))!.fields[0];
		expect(fieldOf('Result: AWS credentials expire on')).toMatchObject({ type: 'date' });
		expect(fieldOf('Scaled to')).toMatchObject({ type: 'number', unit: 'replicas' });
		const page = parsePage(report.pages[0]!.source, 'x.mdx');
		expect(page.frontmatter).toMatchObject({ title: 'Pre-Workshop Validation Checklist', checklist: { id: 'pre-workshop-validation-checklist', phase: 'T-2' } });
		expect(report.fields.length).toBe(46);
		expect(report.fields.slice(0, 4).map((f) => [f.name, f.type])).toEqual([
			['workshop-date', 'date'],
			['expected-participants', 'number'],
			['validated-by', 'person'],
			['validation-date', 'date'],
		]);
		expect(report.pages[0]!.source).not.toMatch(/\\[_*]/);
		expect(noFindings(report.pages)).toEqual([]);
	});
});

describe('handbook import: the platform team\'s incident runbook', () => {
	const source = readFileSync(runbookFile, 'utf8');
	const report = importMarkdown(source, runbookFile, options);
	const incidents = report.pages.filter((p) => p.kind === 'runbook');

	it('splits it into one runbook page per incident, with the handbook\'s sections in order, and an overview of the rest', () => {
		expect(report.kind).toBe('runbook');
		expect(incidents.map((p) => p.title)).toEqual(['Workspace Restarts / Self-Healing Loop', 'Subdomain Routing Failures', 'LiteLLM Authentication Failures', 'High Resource Contention', 'Image Pull Failures', 'Provisioner Failures']);
		expect(report.pages[0]).toMatchObject({ file: 'workshop-incident-runbook/index.mdx', kind: 'page' });
		for (const page of incidents) {
			const parsed = parsePage(page.source, page.file);
			expect(parsed.tree.children.filter((c) => c.type === 'heading' && c.depth === 2).map((h) => (h as { children: Array<{ value: string }> }).children[0]!.value)).toEqual(runbookSections.map((s) => s.name));
			expect(parsed.frontmatter.runbook).toMatchObject({ id: expect.stringMatching(/^RB-[A-Z0-9-]+$/), severity: 'P2' });
		}
		// The source's own labels stay under the section they map to, and what it lacks is reported.
		expect(incidents[0]!.source).toMatch(/## Diagnosis\n\n### Likely Causes\n/);
		expect(incidents[0]!.source).toMatch(/## After the incident\n\n### Permanent Fix\n/);
		expect(incidents[0]!.missing).toEqual(['Impact', 'Rollback', 'Escalation', 'Communication']);
		expect(report.pages[0]!.source).toContain('- [Provisioner Failures](/imported/workshop-incident-runbook/provisioner-failures/)');
		expect(noFindings(report.pages)).toEqual([]);
	});

	it('keeps every item on exactly one page, in order', () => {
		const from = extractChecklist(source, 'INCIDENT_RUNBOOK.md').items;
		expect(from.length).toBe(7);
		expect(shape(pageItems(report.pages).flat())).toEqual(shape(from));
	});

	it('moves a long inline command into a shell block where a block can go, and leaves one in a table cell', () => {
		const guide = '# Proxy\n\n## If the proxy fails\n\n1. Check pod logs: `kubectl logs -n coder-proxy -l app.kubernetes.io/name=coder`\n\n| a | b |\n| - | - |\n| x | `kubectl scale deployment litellm -n litellm --replicas=6` |\n';
		const r = importMarkdown(guide, join(tmpdir(), 'guide.md'), { ...options, kind: 'checklist' });
		expect(r.pages[0]!.source).toContain('1. Check pod logs:\n   ```sh\n   kubectl logs -n coder-proxy -l app.kubernetes.io/name=coder\n   ```');
		expect(r.commands.map((c) => c.moved)).toEqual([true, false]);
		expect(noFindings(r.pages)).toEqual([]);
	});
});

describe('handbook import of other shapes', () => {
	it('splits a runbook whose incidents have H3 sections, maps Resolution to Mitigation and keeps items in order', () => {
		const source = '# Runbooks\n\n## Disk full\n\n### Symptoms\n\n- Pods evicted\n\n### Diagnosis\n\n1. Check `df -h` on the node\n\n### Resolution\n\n- [ ] Delete old images\n  > - [ ] Quoted sub-step\n- [x] Cordon the node <!-- id: cordon -->\n\n### Rollback\n\n- [ ] Uncordon the node\n\n## DNS down\n\n### Symptoms\n\n- Names do not resolve\n\n### Troubleshooting\n\n- [ ] Query the resolver\n';
		const r = importMarkdown(source, join(tmpdir(), 'runbooks.md'), options);
		expect(r.pages.map((p) => [p.file, p.kind])).toEqual([
			['runbooks/index.mdx', 'page'],
			['runbooks/disk-full.mdx', 'runbook'],
			['runbooks/dns-down.mdx', 'runbook'],
		]);
		expect(r.pages[0]!.source).toContain('- [Disk full](/imported/runbooks/disk-full/)\n- [DNS down](/imported/runbooks/dns-down/)');
		const [, disk, dns] = pageItems(r.pages);
		expect(disk!.map((i) => [i.headingPath[0], i.text, i.depth, i.checked])).toEqual([
			['Mitigation', 'Delete old images', 0, false],
			['Mitigation', 'Quoted sub-step', 1, false],
			['Mitigation', 'Cordon the node', 0, true],
			['Rollback', 'Uncordon the node', 0, false],
		]);
		expect(disk![2]!.id).toBe('cordon');
		expect(dns!.map((i) => [i.headingPath, i.text])).toEqual([[['Diagnosis', 'Troubleshooting'], 'Query the resolver']]);
		expect(r.pages[2]!.missing).toEqual(['Impact', 'Mitigation', 'Rollback', 'Escalation', 'Communication', 'After the incident']);
		expect(noFindings(r.pages)).toEqual([]);
	});

	it('imports an openshift alert runbook as one runbook page', () => {
		const file = join(root, '../shared/corpus/openshift-runbooks/alerts/cluster-etcd-operator/etcdInsufficientMembers.md');
		const r = importMarkdown(readFileSync(file, 'utf8'), file, options);
		expect(r.pages.map((p) => [p.file, p.kind])).toEqual([['etcdinsufficientmembers.mdx', 'runbook']]);
		expect(r.pages[0]!.missing).not.toContain('Diagnosis');
		expect(noFindings(r.pages)).toEqual([]);
	});

	it('guesses a field\'s type from its label, and keeps emphasis and words with underscores as text', () => {
		expect(guessFieldType('Validation Date', null)).toBe('date');
		expect(guessFieldType('GCP credentials expire on', null)).toBe('date');
		expect(guessFieldType('Checklist completion time', null)).toBe('datetime');
		expect(guessFieldType('Expected Participants', null)).toBe('number');
		expect(guessFieldType('Node 1', '%')).toBe('number');
		expect(guessFieldType('Notes', null)).toBe('text');
		const tree = parsePage('Owner: ____\n\nKeep **bold**, _em_ and snake_case_name.\n\nOn: \\_\\_\\_\\_ (escaped)\n', 'a.md').tree;
		expect(blanksToFields(tree).map((f) => [f.name, f.type, f.line])).toEqual([
			['owner', 'person', 1],
			['on', 'date', 5],
		]);
	});

	it('suggests <Check> bindings in the report and never binds one', () => {
		const r = importMarkdown('# Keys\n\n- [ ] LiteLLM key valid for the workshop\n- [ ] Tea made\n', join(tmpdir(), 'keys.md'), { ...options, checks: [{ id: 'litellm-key-expiry', title: 'LiteLLM key valid for more than 7 days' }] });
		expect(r.suggestions.map((s) => [s.item.text, s.checkId])).toEqual([['LiteLLM key valid for the workshop', 'litellm-key-expiry']]);
		expect(r.pages[0]!.source).not.toContain('<Check');
		expect(pageItems(r.pages)[0]!.every((i) => i.checkId === null)).toBe(true);
	});
});

describe('handbook import (CLI)', () => {
	const run = async (argv: string[]) => {
		const out: string[] = [];
		const err: string[] = [];
		const code = await importPages(argv, (s) => out.push(s), (s) => err.push(s));
		return { code, out: out.join('\n'), err: err.join('\n') };
	};

	it('writes the pages, reports what it did, and replaces nothing without --force', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'handbook-import-'));
		const { code, out } = await run([checklistFile, runbookFile, '--out', dir, '--no-config']);
		expect(code).toBe(0);
		expect(existsSync(join(dir, 'pre-workshop-validation-checklist.mdx'))).toBe(true);
		expect(existsSync(join(dir, 'workshop-incident-runbook/provisioner-failures.mdx'))).toBe(true);
		expect(out).toMatch(/46 blanks made <Field>s/);
		expect(out).toMatch(/missing in the source: Impact, Rollback, Escalation, Communication/);
		// The runbook links to the checklist imported with it; to the guide, not imported, as text.
		const overview = readFileSync(join(dir, 'workshop-incident-runbook/index.mdx'), 'utf8');
		expect(overview).toContain('[Pre-Workshop Checklist](./pre-workshop-validation-checklist/)');
		expect(overview).toContain('- Monthly Workshop Guide\n');
		await expect(run([checklistFile, '--out', dir, '--no-config'])).rejects.toThrow(/pass --force/);
		expect((await run([checklistFile, '--out', dir, '--no-config', '--force'])).code).toBe(0);
	});

	it('gives two files with one title pages of their own', async () => {
		const src = mkdtempSync(join(tmpdir(), 'handbook-import-same-'));
		const out = mkdtempSync(join(tmpdir(), 'handbook-import-same-out-'));
		mkdirSync(join(src, 'b'));
		writeFileSync(join(src, 'a.md'), '# Restart\n\n- [ ] One\n');
		writeFileSync(join(src, 'b', 'a.md'), '# Restart\n\n- [ ] Two\n');
		expect((await run([join(src, 'a.md'), join(src, 'b', 'a.md'), '--out', out, '--no-config'])).code).toBe(0);
		expect(readFileSync(join(out, 'restart.mdx'), 'utf8')).toContain('- [ ] One');
		expect(readFileSync(join(out, 'restart-2.mdx'), 'utf8')).toContain('- [ ] Two');
	});

	it('refuses what it cannot import, as usage errors', async () => {
		await expect(run([])).rejects.toThrow(UsageError);
		await expect(run([checklistFile, '--kind', 'guide'])).rejects.toThrow('--kind is checklist or runbook');
		await expect(run(['no/such.md'])).rejects.toThrow('no such file');
	});

	it('answers --help with its usage and exit 0, like every subcommand', async () => {
		for (const args of [['import'], ['checks', 'list'], ['checks', 'run'], ['checklists', 'extract'], ['checklists', 'lint'], ['tabletop'], ['retro', 'new'], ['calendar']]) {
			const r = await handbook([...args, '--help']);
			expect(r.code, args.join(' ')).toBe(0);
			expect(r.stdout).toMatch(new RegExp(`^Usage: handbook ${args.join(' ')}`));
		}
	});
});

describe('imported pages in the site', () => {
	// One build of a copy of the site (inside the project, so it finds node_modules) with the
	// imported checklist and runbook added; then the lint over them with the config.
	it('build as pages and lint clean', { timeout: 900_000 }, async () => {
		const copy = join(root, 'test-results', `import-site-${process.pid}`);
		rmSync(copy, { recursive: true, force: true });
		mkdirSync(copy, { recursive: true });
		for (const entry of ['astro.config.mjs', 'handbook.config.ts', 'package.json', 'tsconfig.json', 'public', 'scripts', 'src']) cpSync(join(root, entry), join(copy, entry), { recursive: true });
		try {
			const imported = await handbook(['import', checklistFile, runbookFile], {}, copy);
			expect(imported.code, imported.stderr).toBe(0);
			const build = await promisify(execFile)(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], { cwd: copy, maxBuffer: 64 << 20 }).catch((e: { stdout: string; stderr: string }) => ({ ...e, failed: true }));
			expect('failed' in build ? `${build.stdout}\n${build.stderr}`.split('\n').slice(-30).join('\n') : '').toBe('');
			for (const page of ['imported/pre-workshop-validation-checklist', 'imported/workshop-incident-runbook', 'imported/workshop-incident-runbook/workspace-restarts-self-healing-loop']) {
				const html = readFileSync(join(copy, 'dist/client', page, 'index.html'), 'utf8');
				expect(html, page).toContain('<h1');
			}
			const checklistHtml = readFileSync(join(copy, 'dist/client/imported/pre-workshop-validation-checklist/index.html'), 'utf8');
			expect(checklistHtml).toContain('data-field-name="workshop-date"');
			const lint = await handbook(['checklists', 'lint', 'src/content/docs/imported'], {}, copy);
			expect(lint.stdout.trim().split('\n').at(-1)).toBe('0 errors, 0 warnings in 8 files');
			expect(lint.code).toBe(0);
		} finally {
			rmSync(copy, { recursive: true, force: true });
		}
	});
});

