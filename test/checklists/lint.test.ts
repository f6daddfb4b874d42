import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLintJson, formatLintText, formatSarif } from '../../src/checklists/lint-report.ts';
import { lintPages, locateChecks, preparePage, rules, siteIndex, type Finding, type LintContext } from '../../src/checklists/lint.ts';
import { lintScenario } from '../../src/checklists/lint-scenario.ts';
import { extractChecklist } from '../../src/checklists/extract.ts';
import { lintFiles } from '../../src/checklists/lint-files.ts';
import { pageFiles, pagePath } from '../../src/checklists/registry.ts';
import { checklistsLint } from '../../src/cli/checklists.ts';
import { root } from '../support/site.ts';
import { UsageError } from '../../src/cli/checks.ts';

/** A small site: one runbook page with headings the config's checks link to. */
const target = preparePage('---\ntitle: X\n---\n\n## Diagnosis\n\n## Go / no-go\n', 'docs/incidents/x.mdx', '/incidents/x/');
const config = { file: 'handbook.config.ts', checks: locateChecks("checks: [\n  { id: 'healthz' },\n  { id: 'dns-records' },\n]", [
	{ id: 'healthz', runbook: '/incidents/x/#diagnosis' },
	{ id: 'dns-records', runbook: '/incidents/x/#go--no-go' },
]), regions: ['us-east-2'] };
const ctx: LintContext = { config, site: siteIndex([target]), siteWide: false };

function lint(source: string, file = 'page.mdx', context: Partial<LintContext> = {}): Finding[] {
	return lintPages([preparePage(source, file, null)], { ...ctx, ...context });
}
const rulesOf = (findings: Finding[]) => findings.map((f) => f.rule);

/** A runbook with every required section and one item to mitigate and one to roll back. */
const runbook = (extra = '') => `---
title: R
runbook: { id: RB-X, severity: P1, checks: [healthz] }
${extra}---

## Symptoms

## Impact

## Diagnosis

- [ ] **On-call**: Check the platform answers <Check id="healthz" />

## Mitigation

- [ ] **On-call**: Restart the proxy

## Rollback

- [ ] **On-call**: Undo the restart

## Escalation

## Communication

## After the incident
`;

describe('a good page', () => {
	it('passes every rule', () => {
		expect(lint(runbook())).toEqual([]);
		expect(lint('# Notes\n\n- [ ] Support staff notified\n', 'notes.md')).toEqual([]);
	});
});

describe('PG001 page-parses', () => {
	it('reports a page that does not parse, with its position', () => {
		const [f] = lint('# Title\n\n<!-- an HTML comment is not MDX -->\n');
		expect(f).toMatchObject({ rule: 'PG001', severity: 'error', line: 3 });
	});
	it('parses the same comment in plain Markdown', () => {
		expect(lint('# Title\n\n<!-- fine in Markdown -->\n', 'page.md')).toEqual([]);
	});
});

describe('CK006 duplicate-item-id', () => {
	it('reports items that share an id, whatever gave it', () => {
		const findings = lint('- [ ] Same text\n- [ ] Same text\n- [ ] A <Check id="healthz" />\n- [ ] B <Check id="healthz" />\n- [ ] C {/* id: x */}\n- [ ] D {/* id: x */}\n');
		expect(findings.map((f) => [f.rule, f.line])).toEqual([
			['CK006', 2],
			['CK006', 4],
			['CK006', 6],
		]);
		expect(findings[0]!.message).toContain('same text and heading as the item on line 1');
		expect(findings[2]!.message).toContain('explicit ids must be unique');
	});
	it('passes distinct items', () => {
		expect(lint('- [ ] One text\n- [ ] Another text\n- [ ] C {/* id: x */}\n')).toEqual([]);
	});
});

describe('CK007 unknown-check', () => {
	it('reports <Check> ids and runbook checks the config does not define, with a suggestion', () => {
		const findings = lint('---\ntitle: T\nrunbook: { id: RB-X, severity: P1, checks: [dns-record] }\n---\n\n- [ ] Platform answers <Check id="healthzz" />\n- [ ] Bare <Check />\n');
		expect(findings.filter((f) => f.rule === 'CK007').map((f) => [f.line, f.column, f.message])).toEqual([
			[3, 45, 'runbook.checks names an unknown check "dns-record" (did you mean "dns-records"?)'],
			[6, 24, 'unknown check "healthzz": no check with that id in the config (did you mean "healthz"?)'],
			[7, 12, '<Check> needs an id naming a check of handbook.config.ts, e.g. <Check id="litellm-key-expiry" />'],
		]);
	});
	it('passes known checks, and is off without a config', () => {
		expect(lint('- [ ] Platform answers <Check id="healthz" />\n')).toEqual([]);
		expect(lint('- [ ] Platform answers <Check id="nope" />\n', 'page.mdx', { config: null })).toEqual([]);
	});
});

describe('CK012 watched-check-bound', () => {
	const board = (watched: string) => `---\ntitle: B\nchecklist:\n  id: b\n  phase: day\n  watch:\n    checks: [${watched}]\n---\n\n- [ ] Platform answers <Check id="healthz" />\n`;
	it('reports a watched check no item of the page binds, at its place in the frontmatter', () => {
		const findings = lint(board('healthz, dns-records'));
		expect(findings.map((f) => [f.rule, f.line, f.column, f.message])).toEqual([
			['CK012', 7, 23, 'checklist.watch names "dns-records", which no item of this page binds: add <Check id="dns-records" /> to the item it watches, or remove it from watch.checks (bound here: healthz)'],
		]);
	});
	it('passes a board whose watched checks are all bound, and pages without a board', () => {
		expect(lint(board('healthz'))).toEqual([]);
		expect(lint('---\ntitle: T\nchecklist: { id: t, phase: T-2 }\n---\n\n- [ ] Platform answers <Check id="healthz" />\n')).toEqual([]);
	});
});

describe('CK013 retro-sources', () => {
	it('reports a checklist page retro new reads that lost a field or a check it reads', () => {
		const findings = lint('---\ntitle: T-1\nchecklist:\n  id: t-minus-1\n  phase: T-1\n---\n\n- [ ] Scribe named <Field name="note-taker" type="person" />\n');
		expect(findings.map((f) => [f.rule, f.line, f.column, f.message])).toEqual([
			['CK013', 4, 3, '`handbook retro new` reads the field "scribe" from t-minus-1 runs, but this page has no <Field name="scribe">: restore it, or change src/records/retro-sources.ts and the scaffold'],
		]);
		expect(lint('---\ntitle: T-1\nchecklist:\n  id: t-minus-1\n  phase: T-1\n---\n\n- [ ] Scribe named <Field name="scribe" type="person" />\n')).toEqual([]);
	});
	it('finds everything it reads on the real checklist pages', () => {
		for (const name of ['pre-workshop', 't-minus-1', 'workshop-day']) {
			const file = join(root, `src/content/docs/checklists/${name}.mdx`);
			expect(lintPages([preparePage(readFileSync(file, 'utf8'), file, null)], { ...ctx, config: null }).filter((f) => f.rule === 'CK013'), name).toEqual([]);
		}
	});
});

describe('CK008 unused-check', () => {
	it('warns, at the check in the config, about a check no page binds', () => {
		const findings = lint('- [ ] Platform answers <Check id="healthz" />\n', 'page.mdx', { siteWide: true });
		expect(findings).toEqual([
			{ file: 'handbook.config.ts', line: 3, column: 5, rule: 'CK008', severity: 'warning', message: 'check "dns-records" is not bound to any item: add <Check id="dns-records" /> to the checklist item it verifies, or remove the check' },
		]);
	});
	it('passes when every check is bound, and only runs over the whole site', () => {
		expect(lint('- [ ] A <Check id="healthz" />\n- [ ] B <Check id="dns-records" />\n', 'page.mdx', { siteWide: true })).toEqual([]);
		expect(lint('- [ ] A <Check id="healthz" />\n')).toEqual([]);
	});
});

describe('CK009 check-runbook-link', () => {
	const both = '- [ ] A <Check id="healthz" />\n- [ ] B <Check id="dns-records" />\n';
	it('reports a check whose runbook page or heading does not exist', () => {
		const broken = { ...config, checks: [{ ...config.checks[0]!, runbook: '/incidents/x/#mitigation' }, { ...config.checks[1]!, runbook: '/incidents/gone/' }] };
		const findings = lint(both, 'page.mdx', { siteWide: true, config: broken });
		expect(findings.map((f) => [f.rule, f.line, f.message])).toEqual([
			['CK009', 2, 'check "healthz" links its runbook to /incidents/x/#mitigation, but there is no heading "#mitigation" on /incidents/x/'],
			['CK009', 3, 'check "dns-records" links its runbook to /incidents/gone/, but there is no page /incidents/gone/ in the docs'],
		]);
	});
	it('passes links to existing headings, slugged as the site slugs them', () => {
		expect(lint(both, 'page.mdx', { siteWide: true })).toEqual([]);
	});
});

describe('CK010 empty-item', () => {
	it('reports a bare "[ ]" and a task item without text', () => {
		const findings = lint('- [ ]\n- [ ] <Field name="n" type="number" />\n');
		expect(findings.map((f) => [f.rule, f.line])).toEqual([
			['CK010', 1],
			['CK010', 2],
		]);
	});
	it('passes items that say what to do', () => {
		expect(lint('- [ ] Attendance recorded <Field name="n" type="number" />\n')).toEqual([]);
	});
});

describe('RB001 runbook-sections', () => {
	it('reports missing sections at the runbook frontmatter', () => {
		const findings = lint(runbook().replace('## Escalation\n', '').replace('## Impact\n', ''));
		expect(findings).toEqual([
			expect.objectContaining({ rule: 'RB001', line: 3, column: 1, message: expect.stringContaining('needs the H2 sections "## Impact", "## Escalation"') }),
		]);
	});
	it('reports a section out of order at its heading', () => {
		const source = runbook().replace('## Impact\n\n', '').replace('## Diagnosis', '## Diagnosis\n\n## Impact');
		const findings = lint(source);
		expect(findings.map((f) => [f.rule, f.message.split(';')[0]])).toEqual([['RB001', '"## Impact" comes after "## Diagnosis"']]);
	});
	it('accepts the aliases, and leaves pages without runbook frontmatter alone', () => {
		expect(lint(runbook().replace('## Impact', '## Impact and severity').replace('## Diagnosis', '## Troubleshooting'))).toEqual([]);
		expect(lint('---\ntitle: Guide\n---\n\n## Anything\n')).toEqual([]);
	});
});

describe('RB004 mitigation-without-rollback', () => {
	it('reports a Mitigation with items and a Rollback without', () => {
		const findings = lint(runbook().replace('- [ ] **On-call**: Undo the restart\n', 'Nothing to undo.\n'));
		expect(findings).toEqual([expect.objectContaining({ rule: 'RB004', line: 18, message: expect.stringContaining('"## Mitigation" has 1 checklist item but "## Rollback" has none') })]);
	});
	it('passes a Mitigation without items, or with Rollback items', () => {
		expect(lint(runbook().replace('- [ ] **On-call**: Restart the proxy\n', '').replace('- [ ] **On-call**: Undo the restart\n', ''))).toEqual([]);
		expect(lint(runbook())).toEqual([]);
	});
});

describe('CT001 placeholder', () => {
	it('reports placeholders in items and prose, in Markdown and MDX, at their column', () => {
		const md = lint('# Page\n\nOwner TBD, see FIXME.\n\n- [ ] Attendance: ____ people\n- [ ] Host: <placeholder>\n- [ ] XXX and TODO\n', 'page.md');
		expect(md.map((f) => [f.line, f.column, f.message.split(':')[0]])).toEqual([
			[3, 7, 'placeholder "TBD" left in the text'],
			[3, 16, 'placeholder "FIXME" left in the text'],
			[5, 19, 'placeholder "____" in a checklist item'],
			[6, 13, 'placeholder "<placeholder>" in a checklist item'],
			[7, 7, 'placeholder "XXX" in a checklist item'],
			[7, 15, 'placeholder "TODO" in a checklist item'],
		]);
		expect(md[2]!.message).toContain('<Field name="…" />');
		expect(rulesOf(lint('- [ ] Host: <placeholder /> here\n'))).toEqual(['CT001']);
		expect(rulesOf(lint('Measures: <Insert site specific measures…>\n', 'page.md'))).toEqual(['CT001']);
	});
	it('passes code, words that merely contain the letters, and real fields', () => {
		expect(lint('Run `grep TODO` or:\n\n```sh\necho TBD ____\n```\n\n- [ ] Attendance recorded <Field name="n" type="number" />\n- [ ] TODOS and TBDs are other words\n')).toEqual([]);
	});
});

describe('CT002 command-outside-code', () => {
	it('reports commands in prose (error), long inline commands and blocks without a language (warnings)', () => {
		const findings = lint('Run kubectl get pods -n coder first.\n\nThen `kubectl --context us-east-2 -n coder get pods -o wide` again.\n\n```\n$ curl -fsS https://example.com\n```\n');
		expect(findings.map((f) => [f.line, f.column, f.severity])).toEqual([
			[1, 5, 'error'],
			[3, 6, 'warning'],
			[5, 1, 'warning'],
		]);
	});
	it('passes fenced blocks with a language, short inline commands and tool names in prose', () => {
		expect(lint('The `coder` CLI runs `coder stop "$WORKSPACE"`; the coder namespace holds the pods.\n\n```sh\nkubectl get pods -n coder\n```\n')).toEqual([]);
	});
});

describe('LN001 disable-with-reason and LN002 unused-disable', () => {
	const page = (disable: string) => `---\ntitle: T\nlint:\n  disable:\n${disable}---\n\nRun kubectl get pods -n coder first.\n`;
	it('drops the findings of a rule disabled with a reason', () => {
		expect(lint(page('    - { rule: CT002, reason: "This page documents the CLI itself." }\n'))).toEqual([]);
		expect(lint(page('    - { rule: command-outside-code, reason: "By name." }\n'))).toEqual([]);
	});
	it('reports a disable without a reason, and keeps its findings', () => {
		expect(lint(page('    - rule: CT002\n')).map((f) => [f.rule, f.line])).toEqual([
			['LN001', 5],
			['CT002', 8],
		]);
	});
	it('reports an unknown rule and a rule that cannot be disabled', () => {
		expect(lint(page('    - { rule: XX999, reason: "x" }\n    - { rule: LN001, reason: "x" }\n')).map((f) => f.rule)).toEqual(['LN001', 'LN001', 'CT002']);
	});
	it('warns about a disable that suppresses nothing', () => {
		const findings = lint(page('    - { rule: CT002, reason: "x" }\n    - { rule: RB004, reason: "nothing to undo" }\n'));
		expect(findings.map((f) => [f.rule, f.severity, f.line])).toEqual([['LN002', 'warning', 6]]);
	});
});

describe('SC001 scenario', () => {
	const page = extractChecklist('---\ntitle: X\nrunbook: { id: RB-X, severity: P1 }\n---\n\n## Mitigation\n\n- [ ] Restart {/* id: x-restart */}\n', 'x.mdx');
	const world = { page: (path: string) => (path === '/incidents/x/' ? page : undefined), checks: new Set(['healthz']), regions: new Set(['us-east-2']) };
	const scenario = (overrides = '') => `id: x
title: X
runbook: /incidents/x/
narrative: n
hiddenCause: h
roles: [{ role: IC, brief: b }]
injects:
  - { at: +2m, check: healthz, region: us-east-2, status: fail, message: down }
expectedActions: [x-restart]
discussionQuestions: [q]
${overrides}`;
	it('passes a scenario whose references exist', () => {
		expect(lintScenario(scenario(), 'scenarios/x.yaml', world)).toEqual([]);
	});
	it('reports unknown items, checks and regions at their line, and schema errors', () => {
		const bad = scenario().replace('check: healthz, region: us-east-2', 'check: healthzz, region: mars-1').replace('[x-restart]', '[x-restart, x-nope]');
		expect(lintScenario(bad, 'scenarios/x.yaml', world).map((f) => [f.line, f.message])).toEqual([
			[8, 'injects[0].check: unknown check "healthzz"'],
			[8, 'injects[0].region: unknown region "mars-1" (regions: us-east-2)'],
			[9, 'expectedActions[1]: no checklist item "x-nope" on /incidents/x/ (`handbook checklists extract` lists the item ids)'],
		]);
		expect(lintScenario(scenario().replace('narrative: n\n', ''), 'scenarios/x.yaml', world).map((f) => f.message)).toEqual(['narrative: missing: a string is required here']);
	});
});

describe('reports', () => {
	const findings = lint('- [ ] Owner: TBD\n', 'docs/a b.md');
	it('prints text with file:line:column, severity, rule and message, then totals', () => {
		expect(formatLintText(findings, 1)).toBe(
			'docs/a b.md:1:14  error    CT001  placeholder "TBD" in a checklist item: record the value with <Field name="…" /> instead of a blank\n\n1 error, 0 warnings in 1 file',
		);
		expect(formatLintText([], 3)).toBe('0 errors, 0 warnings in 3 files');
	});
	it('prints JSON with the findings and a summary', () => {
		expect(JSON.parse(formatLintJson(findings, 1))).toEqual({ findings, summary: { files: 1, errors: 1, warnings: 0 } });
	});
	it('prints SARIF 2.1.0 in the shape the schema requires', () => {
		const log = JSON.parse(JSON.stringify(formatSarif([...findings, { file: 'x.mdx', line: 0, column: 0, rule: 'CK008', severity: 'warning', message: 'm' }], { version: '0.1.0', root: 'file:///work/handbook' })));
		expect(log.version).toBe('2.1.0');
		expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
		expect(log.runs).toHaveLength(1);
		const run = log.runs[0];
		expect(run.tool.driver.name).toBe('handbook-checklists-lint');
		expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(rules.map((r) => r.id));
		for (const r of run.tool.driver.rules) {
			expect(r).toMatchObject({ id: expect.any(String), shortDescription: { text: expect.any(String) }, defaultConfiguration: { level: expect.stringMatching(/^(error|warning|note|none)$/) } });
		}
		expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///work/handbook/');
		expect(run.results).toHaveLength(2);
		for (const result of run.results) {
			expect(typeof result.ruleId).toBe('string');
			expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
			expect(['error', 'warning', 'note', 'none']).toContain(result.level);
			expect(typeof result.message.text).toBe('string');
			const loc = result.locations[0].physicalLocation;
			expect(typeof loc.artifactLocation.uri).toBe('string');
			expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
			expect(loc.region.startColumn).toBeGreaterThanOrEqual(1);
		}
		expect(run.results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'docs/a%20b.md', uriBaseId: '%SRCROOT%' });
		expect(run.results[0].locations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 14 });
	});
});

describe('handbook checklists lint', () => {
	const run = async (argv: string[]) => {
		const out: string[] = [];
		const err: string[] = [];
		const code = await checklistsLint(argv, (s) => out.push(s), (s) => err.push(s));
		return { code, out: out.join('\n'), err: err.join('\n') };
	};

	it('runs clean on the handbook itself, scenarios included', async () => {
		const { code, out } = await run([]);
		expect(out).toMatch(/^0 errors, 0 warnings in \d+ files$/);
		expect(Number(out.match(/in (\d+) files/)![1])).toBeGreaterThanOrEqual(24);
		expect(code).toBe(0);
	});

	it('exits 3 on errors and prints SARIF or JSON on request', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'handbook-lint-'));
		writeFileSync(join(dir, 'bad.md'), '- [ ] Owner: TBD\n');
		const text = await run([dir]);
		expect(text.code).toBe(3);
		expect(text.out).toMatch(/bad\.md:1:14 +error +CT001/);
		const sarif = await run([dir, '--format', 'sarif']);
		expect(sarif.code).toBe(3);
		expect(JSON.parse(sarif.out).runs[0].results[0].ruleId).toBe('CT001');
		const json = await run([join(dir, 'bad.md'), '--format', 'json', '--no-config']);
		expect(JSON.parse(json.out).summary).toEqual({ files: 1, errors: 1, warnings: 0 });
		expect(readFileSync(join(dir, 'bad.md'), 'utf8')).toBe('- [ ] Owner: TBD\n');
	});

	it('refuses an unknown format or path as a usage error', async () => {
		await expect(run(['--format', 'xml'])).rejects.toThrow(UsageError);
		await expect(run(['no/such/dir'])).rejects.toThrow(UsageError);
	});
});

describe('lintFiles', () => {
	it('gives the same results on worker threads as in one thread, check ids included', async () => {
		const docs = join(root, 'src/content/docs');
		const jobs = pageFiles(docs).map((file) => ({ file, rel: file, path: pagePath(file, docs) }));
		const one = await lintFiles(jobs, ['healthz'], 1);
		const two = await lintFiles(jobs, Promise.resolve(['healthz']), 2);
		expect(two).toEqual(one);
		expect(one.map((r) => r.rel)).toEqual(jobs.map((j) => j.file));
		expect(one.flatMap((r) => r.findings).filter((f) => f.rule === 'CK007').length).toBeGreaterThan(10);
		expect(one.find((r) => r.path === '/incidents/')!.anchors).toContain('tabletop-rehearsals');
	});
});

describe('Markdown from elsewhere: no rule fires where its fix is impossible or where nothing is wrong', () => {
	const run = async (argv: string[]) => {
		const out: string[] = [];
		const code = await checklistsLint(argv, (s) => out.push(s), () => {});
		return { code, out: out.join('\n') };
	};
	it('CT002 leaves commands in table cells alone (a cell cannot hold a block), and still flags them in prose', () => {
		const table = '| Users | Command |\n| --- | --- |\n| 10-15 | `kubectl scale deployment coder-provisioner-default -n coder --replicas=8` |\n| 20 | run kubectl get pods -n coder first |\n';
		expect(lint(table, 'guide.md')).toEqual([]);
		expect(rulesOf(lint('Scale it: `kubectl scale deployment coder-provisioner-default -n coder --replicas=8`.\n', 'guide.md'))).toEqual(['CT002']);
	});

	it('CK006: the same step under two headings is no duplicate; under one heading it is, and the fix suggested fits the file kind', () => {
		const regions = '## eu-west-2\n\n- [ ] Delete test workspace\n\n## us-east-1\n\n- [ ] Delete test workspace\n';
		expect(lint(regions, 'checklist.md')).toEqual([]);
		const same = '## eu-west-2\n\n- [ ] Delete test workspace\n- [ ] Delete test workspace\n';
		const md = lint(same, 'checklist.md');
		expect(md.map((f) => [f.rule, f.line])).toEqual([['CK006', 4]]);
		expect(md[0]!.message).toContain('<!-- id: … -->');
		expect(lint(same, 'checklist.mdx')[0]!.message).toContain('{/* id: … */}');
	});

	it('CT001 finds blanks drawn with escaped underscores and asterisks, in prose and in items, once each', () => {
		const page = '**Workshop Date**: **\\*\\*\\*\\***\\_**\\*\\*\\*\\***\n\n- [ ] AWS credentials expire on: **\\*\\*\\*\\***\\_**\\*\\*\\*\\***\n  - [ ] Scaled to: \\***\\*\\_\\*\\*** replicas\n\nAttendance: \\_\\_\\_\\_\n';
		const findings = lint(page, 'pre.md');
		expect(findings.map((f) => [f.rule, f.line, f.column, /checklist item/.test(f.message)])).toEqual([
			['CT001', 1, 20, false],
			['CT001', 3, 34, true],
			['CT001', 4, 20, true],
			['CT001', 6, 13, false],
		]);
		// Emphasis and a plain underscore in a word are no blank.
		expect(lint('Use **bold** and _em_ and snake_case_name here.\n', 'ok.md')).toEqual([]);
	});

	it('LN001 validates lint.disable with its schema and points at the value in the frontmatter', () => {
		const findings = lint('---\ntitle: T\nlint:\n  disable:\n    - { rule: CT002 }\n    - reason: no rule\n    - CT001\n  extra: 1\n---\n\nText.\n', 'p.md');
		expect(findings.map((f) => [f.rule, f.line, f.message.replace(/:.*$/, '')])).toEqual([
			['LN001', 5, 'lint.disable[0].reason'],
			['LN001', 6, 'lint.disable[1].rule'],
			['LN001', 7, 'lint.disable[2]'],
			['LN001', 8, 'lint.extra is not a setting'],
		]);
	});

	it('does not parse a Markdown page outside the docs that no rule can find anything in, and finds the same as if it had', () => {
		const quiet = preparePage('# Alert\n\n## Diagnosis\n\nCheck the `oc get pods` output.\n', 'alert.md', null);
		expect(quiet.skipped).toBe(true);
		expect(lintPages([quiet], ctx)).toEqual([]);
		expect(preparePage('# Alert\n\nOwner: TODO\n', 'alert.md', null).skipped).toBe(false);
		expect(preparePage('# Docs page\n', 'docs/x.md', '/x/').skipped).toBe(false);
	});

	const sourceDocs = join(root, '../shared/reference/source/docs');
	it('lints the platform team\'s own documents with only true findings', async () => {
		const { out } = await run([sourceDocs, '--no-config', '--format', 'json']);
		const findings = (JSON.parse(out) as { findings: Finding[] }).findings;
		const counts = Object.fromEntries([...new Set(findings.map((f) => f.rule))].map((r) => [r, findings.filter((f) => f.rule === r).length]));
		// The drawn blanks of the pre-workshop checklist and retrospective template (values to fill in),
		// and the inline commands longer than 40 characters outside tables.
		expect(Object.keys(counts).sort()).toEqual(['CT001', 'CT002']);
		// Every line of the checklist with a blank drawn with escapes is found once, the three task items among them.
		const checklist = readFileSync(join(sourceDocs, 'PRE_WORKSHOP_CHECKLIST.md'), 'utf8').split('\n');
		const drawn = checklist.flatMap((l, i) => (/\\_/.test(l) ? [i + 1] : []));
		const ct001 = findings.filter((f) => f.rule === 'CT001' && f.file.endsWith('PRE_WORKSHOP_CHECKLIST.md')).map((f) => f.line);
		expect(ct001).toEqual(drawn);
		expect(drawn.filter((line) => /^\s*- \[ \]/.test(checklist[line - 1]!))).toEqual([36, 37, 219]);
		expect(findings.some((f) => f.rule === 'CK006')).toBe(false);
	});

	const corpus = join(root, '../shared/corpus/openshift-runbooks');
	it('lints the 274 openshift runbooks with one finding: the template placeholder in example.md', async () => {
		const { out } = await run([corpus, '--no-config', '--format', 'json']);
		const { findings, summary } = JSON.parse(out) as { findings: Finding[]; summary: { files: number } };
		expect(summary.files).toBe(274);
		expect(findings.map((f) => [f.file.split('/').pop(), f.rule, f.line])).toEqual([['example.md', 'CT001', 31]]);
	});
});
