import type { Heading, ListItem, Nodes, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { brokenLinkReason, headingAnchors, type SiteIndex } from './anchors.ts';
import { numbersRule } from './lint-rules/numbers.ts';
import { extractFromParsed, plainText, type Checklist } from './extract.ts';
import { ParseError, parsePage, type ParsedPage } from './parse.ts';
import { parseScenario, ScenarioError, scenarioProblems, type ScenarioIssue, type ScenarioWorld } from './scenario.ts';

export type Severity = 'error' | 'warning';

/** One lint finding, at file:line:column. */
export interface Finding {
	file: string;
	line: number;
	column: number;
	rule: string;
	severity: Severity;
	message: string;
}

/** A lint rule: its id (what a page disables), a name, its default severity and what it wants. */
export interface RuleInfo {
	id: string;
	name: string;
	severity: Severity;
	description: string;
}

/**
 * The rules. Ids follow the runbook practice notes (RB, CK, CT) where a rule matches one of
 * theirs; the others continue the numbering.
 */
export const rules = [
	{ id: 'PG001', name: 'page-parses', severity: 'error', description: 'The page parses as MDX (.mdx) or GFM Markdown (.md), frontmatter included.' },
	{ id: 'CK006', name: 'duplicate-item-id', severity: 'error', description: 'No two checklist items of a page share an id: a shared id makes both depend on their order, so stored ticks can move to the wrong item.' },
	{ id: 'CK007', name: 'unknown-check', severity: 'error', description: 'Every <Check id> and every runbook `checks:` entry names a check defined in handbook.config.ts.' },
	{ id: 'CK008', name: 'unused-check', severity: 'warning', description: 'Every check defined in handbook.config.ts is bound to an item on some page.' },
	{ id: 'CK009', name: 'check-runbook-link', severity: 'error', description: "Every check's runbook link resolves to a page and heading of the docs." },
	{ id: 'CK010', name: 'empty-item', severity: 'error', description: 'A task item says what to do; a bare "[ ]" is not a checkbox at all.' },
	{ id: 'RB001', name: 'runbook-sections', severity: 'error', description: 'A page with `runbook:` frontmatter has the H2 sections Symptoms, Impact, Diagnosis, Mitigation, Rollback, Escalation, Communication and After the incident, in that order.' },
	{ id: 'RB004', name: 'mitigation-without-rollback', severity: 'error', description: 'A runbook whose Mitigation section has checklist items has Rollback items to undo them.' },
	{ id: 'CT001', name: 'placeholder', severity: 'error', description: 'No TODO, TBD, FIXME, XXX, runs of underscores, <placeholder> or lorem ipsum in prose or items: a value to fill in is a <Field>.' },
	{ id: 'CT002', name: 'command-outside-code', severity: 'error', description: 'Commands (kubectl, coder, curl, aws, helm, crane, promtool) go in fenced code blocks with a language: an error in prose, a warning in inline code longer than 40 characters or in a block without a language.' },
	{ id: 'LN001', name: 'disable-with-reason', severity: 'error', description: 'Every `lint.disable` entry in frontmatter names a known rule and gives the reason.' },
	{ id: 'LN002', name: 'unused-disable', severity: 'warning', description: 'A `lint.disable` entry suppresses at least one finding; remove it once the page is fixed.' },
	numbersRule,
	{ id: 'SC001', name: 'scenario', severity: 'error', description: 'Every rehearsal scenario (src/content/scenarios) validates, and names a runbook page, checks, regions and checklist items that exist.' },
] as const satisfies readonly RuleInfo[];

export type RuleId = (typeof rules)[number]['id'];

const ruleById = new Map<string, RuleInfo>(rules.map((r) => [r.id, r]));
const ruleByName = new Map<string, RuleInfo>(rules.map((r) => [r.name, r]));

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

/** Commands that belong in a fenced code block. */
export const commandTools = ['kubectl', 'coder', 'curl', 'aws', 'helm', 'crane', 'promtool'] as const;
/** Inline code holding a command may be this long; longer belongs in a block. */
export const inlineCommandMax = 40;

/** A page ready to lint: parsed once, its checklist extracted; or the reason it did not parse. */
export interface LintPage {
	file: string;
	source: string;
	/** The page's URL path on the site, when it is a docs page. */
	path: string | null;
	parsed: ParsedPage | null;
	checklist: Checklist | null;
	parseError: ParseError | null;
}

/** A check of the config as the lint sees it: its id, runbook link, and where the id is written. */
export interface CheckRef {
	id: string;
	runbook: string;
	line: number;
	column: number;
}

export interface LintContext {
	/** The config's checks and its file; null when linting without a config (check rules off). */
	config: { file: string; checks: readonly CheckRef[]; regions: readonly string[] } | null;
	/** Every docs page with its heading anchors (runbook links resolve against it). */
	site: SiteIndex;
	/**
	 * Also run the rules about the whole site (unused checks, checks' runbook links): true when
	 * the pages linted are the whole docs directory.
	 */
	siteWide: boolean;
}

/**
 * Parses a page and extracts its checklist for the lint; a page that does not parse is kept,
 * with its error, so the lint reports it as a finding instead of stopping.
 *
 * @example
 * preparePage('- [ ] x\n', 'notes.md', null).checklist?.items.length // → 1
 */
export function preparePage(source: string, file: string, path: string | null): LintPage {
	try {
		const parsed = parsePage(source, file);
		return { file, source, path, parsed, checklist: extractFromParsed(parsed, source), parseError: null };
	} catch (err) {
		if (err instanceof ParseError) return { file, source, path, parsed: null, checklist: null, parseError: err };
		throw err;
	}
}

/** The site index of a set of pages: every page with a URL path, with its heading anchors. */
export function siteIndex(pages: readonly LintPage[]): SiteIndex {
	const site: SiteIndex = new Map();
	for (const page of pages) if (page.path && page.parsed) site.set(page.path, headingAnchors(page.parsed.tree));
	return site;
}

const placeholderPatterns: RegExp[] = [/\b(?:TODO|TBD|FIXME|XXX)\b/g, /_{3,}/g, /<(?:placeholder|insert\b[^>]*|your[ -][^>]*|tbd|todo)>/gi, /\blorem ipsum\b/gi];
const placeholderElement = /^(?:placeholder|insert|tbd|todo)$/i;
const toolsPattern = commandTools.join('|');
const proseCommand = new RegExp(`(?<=^|[\\s(“"'])(\\$\\s+)?(${toolsPattern})((?:[ \\t]+[^\\s]+){1,8})`, 'g');
const argumentLooksLikeCommand = /^(?:-{1,2}[A-Za-z]|["']?\$[A-Z_{(]|https?:\/\/)/;
const codeCommandLine = new RegExp(`^\\s*(?:\\$\\s+)?(?:${toolsPattern})\\s`, 'm');
const inlineCommand = new RegExp(`^(?:\\$\\s+)?(?:${toolsPattern})\\s+\\S`);

type Reporter = (rule: RuleId, at: { line: number; column: number }, message: string, severity?: Severity) => void;

/** Where `match` (at `offset` in a text node's value) is in the source: line from the value, column from the source line. */
function positionIn(node: Nodes, offset: number, match: string, lines: readonly string[]): { line: number; column: number } {
	const start = node.position?.start ?? { line: 1, column: 1 };
	const before = ('value' in node ? String(node.value) : '').slice(0, offset).split('\n');
	const line = start.line + before.length - 1;
	const guess = before.length === 1 ? start.column + offset : before.at(-1)!.length + 1;
	const text = lines[line - 1] ?? '';
	const found = text.indexOf(match, before.length === 1 ? Math.max(0, start.column - 1) : 0);
	return { line, column: found >= 0 ? found + 1 : guess };
}

const isTaskItem = (n: Nodes): n is ListItem => n.type === 'listItem' && typeof n.checked === 'boolean';

/** Prose rules over the tree: placeholders, commands outside code, bare "[ ]" bullets, unknown checks. */
function lintTree(tree: Root, lines: readonly string[], checkIds: ReadonlySet<string> | null, report: Reporter) {
	const walk = (node: Nodes, inItem: boolean) => {
		switch (node.type) {
			case 'yaml':
			case 'mdxjsEsm':
			case 'mdxFlowExpression':
			case 'mdxTextExpression':
				return;
			case 'code': {
				if (!node.lang && codeCommandLine.test(node.value)) {
					report('CT002', node.position!.start, 'a code block with a command has no language: write ```sh (or bash, console) so it is shown and copied as a command', 'warning');
				}
				return;
			}
			case 'inlineCode': {
				if (inlineCommand.test(node.value) && node.value.length > inlineCommandMax) {
					report('CT002', node.position!.start, `a ${node.value.length}-character command in inline code: put it in a fenced \`\`\`sh block (inline commands are at most ${inlineCommandMax} characters)`, 'warning');
				}
				return;
			}
			case 'text':
			case 'html': {
				for (const pattern of placeholderPatterns) {
					for (const m of node.value.matchAll(pattern)) {
						const what = m[0].length > 40 ? `${m[0].slice(0, 37)}…` : m[0];
						report(
							'CT001',
							positionIn(node, m.index, m[0], lines),
							inItem ? `placeholder "${what}" in a checklist item: record the value with <Field name="…" /> instead of a blank` : `placeholder "${what}" left in the text: write it out, or track the gap in an issue`,
						);
					}
				}
				if (node.type === 'text') {
					for (const m of node.value.matchAll(proseCommand)) {
						const args = m[3]!.trim().split(/\s+/);
						if (!m[1] && !args.some((a) => argumentLooksLikeCommand.test(a))) continue;
						const offset = m.index + (m[1]?.length ?? 0);
						report('CT002', positionIn(node, offset, m[2]!, lines), `"${m[2]} ${args.slice(0, 3).join(' ')}…" is a command in prose: put it in a fenced \`\`\`sh block`);
					}
				}
				return;
			}
			case 'mdxJsxFlowElement':
			case 'mdxJsxTextElement': {
				if (node.name === 'Check' && checkIds) {
					const id = node.attributes.find((a) => a.type === 'mdxJsxAttribute' && a.name === 'id')?.value;
					if (typeof id !== 'string' || id === '') report('CK007', node.position!.start, '<Check> needs an id naming a check of handbook.config.ts, e.g. <Check id="litellm-key-expiry" />');
					else if (!checkIds.has(id)) report('CK007', node.position!.start, `unknown check "${id}": no check with that id in the config${nearest(id, checkIds)}`);
				} else if (node.name && placeholderElement.test(node.name)) {
					report('CT001', node.position!.start, `placeholder <${node.name}> ${inItem ? 'in a checklist item: record the value with <Field name="…" /> instead' : 'left in the text: write it out'}`);
				}
				break;
			}
			case 'listItem': {
				const first = node.children[0];
				if (node.checked == null && first?.type === 'paragraph' && /^\[[ xX]\]$/.test(toString(first).trim())) {
					report('CK010', node.position!.start, 'an empty task item: "[ ]" with nothing after it renders as text, not as a checkbox; write what to do after the box');
				}
				break;
			}
		}
		if ('children' in node) for (const child of node.children as Nodes[]) walk(child, inItem || isTaskItem(node));
	};
	walk(tree, false);
}

/** " (did you mean …?)" for a near miss among known ids. */
function nearest(id: string, known: Iterable<string>): string {
	let best: string | null = null;
	let bestDistance = Infinity;
	for (const k of known) {
		const d = distance(id, k);
		if (d < bestDistance) [best, bestDistance] = [k, d];
	}
	return best && bestDistance <= Math.max(2, Math.floor(id.length / 4)) ? ` (did you mean "${best}"?)` : '';
}

function distance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let prev = row[0]!;
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const tmp = row[j]!;
			row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
			prev = tmp;
		}
	}
	return row[b.length]!;
}

/** The line (1-based) in the frontmatter where `pattern` first matches, else the first line. */
function frontmatterLine(lines: readonly string[], tree: Root, pattern: RegExp): { line: number; column: number } {
	const yaml = tree.children[0]?.type === 'yaml' ? tree.children[0] : null;
	const end = yaml?.position?.end.line ?? 1;
	for (let i = 0; i < end && i < lines.length; i++) {
		const m = pattern.exec(lines[i]!);
		if (m) return { line: i + 1, column: m.index + 1 };
	}
	return { line: 1, column: 1 };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Top-level H2 sections of a page with the line range each covers. */
function sections(tree: Root): Array<{ heading: Heading; title: string; start: number; end: number }> {
	const out: Array<{ heading: Heading; title: string; start: number; end: number }> = [];
	for (const node of tree.children) {
		if (node.type !== 'heading' || node.depth > 2) continue;
		const last = out.at(-1);
		if (last) last.end = node.position!.start.line - 1;
		if (node.depth === 2) out.push({ heading: node, title: plainText(node).replace(/\s+/g, ' ').trim(), start: node.position!.start.line, end: Infinity });
	}
	return out;
}

/** RB001 and RB004 for a page with `runbook:` frontmatter. */
function lintRunbook(tree: Root, checklist: Checklist, lines: readonly string[], report: Reporter) {
	const found = sections(tree);
	const indexOf = (title: string) => runbookSections.findIndex((s) => [s.name, ...s.aliases].some((n) => n.toLowerCase() === title.toLowerCase()));
	const at = frontmatterLine(lines, tree, /^runbook:/);
	const present = new Map<number, (typeof found)[number]>();
	let highest = -1;
	let highestTitle = '';
	for (const section of found) {
		const i = indexOf(section.title);
		if (i < 0 || present.has(i)) continue;
		present.set(i, section);
		if (i < highest) {
			report('RB001', section.heading.position!.start, `"## ${section.title}" comes after "## ${highestTitle}"; runbook sections go in this order: ${runbookSections.map((s) => s.name).join(', ')}`);
		} else [highest, highestTitle] = [i, section.title];
	}
	const missing = runbookSections.filter((_, i) => !present.has(i)).map((s) => s.name);
	if (missing.length) report('RB001', at, `a runbook page needs the H2 section${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"## ${m}"`).join(', ')} (order: ${runbookSections.map((s) => s.name).join(', ')})`);
	const itemsIn = (s: (typeof found)[number] | undefined) => (s ? checklist.items.filter((i) => i.line > s.start && i.line <= s.end).length : 0);
	const mitigation = present.get(3);
	const rollback = present.get(4);
	if (mitigation && itemsIn(mitigation) > 0 && itemsIn(rollback) === 0) {
		report(
			'RB004',
			(rollback ?? mitigation).heading.position!.start,
			`"## Mitigation" has ${itemsIn(mitigation)} checklist item${itemsIn(mitigation) > 1 ? 's' : ''} but ${rollback ? '"## Rollback" has none' : 'there is no "## Rollback"'}: add one item to undo each mitigation (or disable RB004 in frontmatter with the reason none can be undone)`,
		);
	}
}

/** The checklist-level rules: duplicate ids and items without text. */
function lintItems(checklist: Checklist, report: Reporter) {
	for (const c of checklist.collisions) {
		const message =
			c.source === 'explicit'
				? `item id "${c.base}" is already used by the item on line ${c.firstLine}: explicit ids must be unique on a page`
				: c.source === 'check'
					? `a second item bound to "${c.base}" (the first is on line ${c.firstLine}) gets the id "${c.id}" by its position: bind a check once per page, or give this item its own {/* id: … */}`
					: `same text as the item on line ${c.firstLine}, so this one gets the id "${c.id}" by its position: reword one of them or give it {/* id: … */}`;
		report('CK006', c, message);
	}
	for (const item of checklist.items) {
		if (item.text === '') report('CK010', item, item.fields.length || item.checkId ? 'a task item with a <Field> or <Check> but no text: say what the value or check is for' : 'an empty task item: write what to do');
	}
}

/** Check ids named in a page's `runbook.checks` frontmatter that the config does not define. */
function lintRunbookChecks(tree: Root, frontmatter: Record<string, unknown>, lines: readonly string[], checkIds: ReadonlySet<string>, report: Reporter) {
	const listed = (frontmatter.runbook as { checks?: unknown } | undefined)?.checks;
	if (!Array.isArray(listed)) return;
	for (const id of listed) {
		if (typeof id === 'string' && !checkIds.has(id)) report('CK007', frontmatterLine(lines, tree, new RegExp(`\\b${escape(id)}\\b`)), `runbook.checks names an unknown check "${id}"${nearest(id, checkIds)}`);
	}
}

interface Disable {
	rule: RuleInfo;
	reason: string;
	line: number;
	column: number;
	used: boolean;
}

/** The page's `lint.disable` entries; malformed ones are LN001 findings. */
function readDisables(tree: Root, frontmatter: Record<string, unknown>, lines: readonly string[], report: Reporter): Disable[] {
	const lint = frontmatter.lint;
	if (lint === undefined) return [];
	const list = (lint as { disable?: unknown } | null)?.disable;
	const top = frontmatterLine(lines, tree, /^lint:/);
	if (!Array.isArray(list)) {
		report('LN001', top, 'write `lint: { disable: [{ rule: RULE-ID, reason: "why this page is an exception" }] }`');
		return [];
	}
	const out: Disable[] = [];
	for (const entry of list) {
		const e = (entry ?? {}) as { rule?: unknown; reason?: unknown };
		const name = typeof e.rule === 'string' ? e.rule : typeof entry === 'string' ? entry : '';
		const at = name ? frontmatterLine(lines, tree, new RegExp(`\\b${escape(name)}\\b`)) : top;
		const rule = ruleById.get(name) ?? ruleByName.get(name);
		if (!rule) {
			report('LN001', at, `lint.disable names ${name ? `an unknown rule "${name}"` : 'no rule'}; rules: ${rules.map((r) => r.id).join(', ')}`);
			continue;
		}
		if (rule.id === 'LN001' || rule.id === 'PG001') {
			report('LN001', at, `${rule.id} cannot be disabled`);
			continue;
		}
		if (typeof e.reason !== 'string' || e.reason.trim() === '') {
			report('LN001', at, `disabling ${rule.id} needs a reason: { rule: ${rule.id}, reason: "why this page is an exception" }`);
			continue;
		}
		out.push({ rule, reason: e.reason, ...at, used: false });
	}
	return out;
}

/** Sorts findings by file, line, column, rule. */
export function sortFindings(findings: Finding[]): Finding[] {
	return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

/**
 * The rules of one page (everything but the site-wide CK008 and CK009), with the page's
 * disables applied; also the check ids the page binds, which the site-wide rules need.
 *
 * @example
 * lintPage(preparePage('- [ ] Owner: TBD\n', 'p.md', null), null).findings[0].rule // → 'CT001'
 */
export function lintPage(page: LintPage, checkIds: ReadonlySet<string> | null): { findings: Finding[]; bound: string[] } {
	if (!page.parsed || !page.checklist) {
		const e = page.parseError!;
		return { findings: [{ file: page.file, line: e.line, column: e.column, rule: 'PG001', severity: 'error', message: `cannot parse: ${e.reason}` }], bound: [] };
	}
	const findings: Finding[] = [];
	const { tree, frontmatter } = page.parsed;
	const lines = page.source.replace(/\r\n?/g, '\n').split('\n');
	const own: Finding[] = [];
	const report: Reporter = (rule, at, message, severity) => own.push({ file: page.file, line: at.line, column: at.column, rule, severity: severity ?? ruleById.get(rule)!.severity, message });
	const disables = readDisables(tree, frontmatter, lines, report);
	lintTree(tree, lines, checkIds, report);
	lintItems(page.checklist, report);
	if (frontmatter.runbook && typeof frontmatter.runbook === 'object') lintRunbook(tree, page.checklist, lines, report);
	if (checkIds) lintRunbookChecks(tree, frontmatter, lines, checkIds, report);
	for (const f of own) {
		const d = disables.find((x) => x.rule.id === f.rule);
		if (d) d.used = true;
		else findings.push(f);
	}
	for (const d of disables) {
		if (!d.used) findings.push({ file: page.file, line: d.line, column: d.column, rule: 'LN002', severity: 'warning', message: `lint.disable of ${d.rule.id} suppresses nothing on this page: remove it` });
	}
	const bound = [...new Set(page.checklist.items.map((i) => i.checkId).filter((id): id is string => id !== null))];
	return { findings: sortFindings(findings), bound };
}

/**
 * The site-wide rules, about the config's checks: CK008 (bound by no page; `bound` holds the
 * check ids the pages bind) and CK009 (runbook link that does not resolve in `site`).
 */
export function lintSite(config: NonNullable<LintContext['config']>, site: SiteIndex, bound: ReadonlySet<string>): Finding[] {
	const findings: Finding[] = [];
	for (const check of config.checks) {
		const at = { file: config.file, line: check.line, column: check.column };
		if (!bound.has(check.id)) findings.push({ ...at, rule: 'CK008', severity: 'warning', message: `check "${check.id}" is not bound to any item: add <Check id="${check.id}" /> to the checklist item it verifies, or remove the check` });
		const broken = brokenLinkReason(site, check.runbook);
		if (broken) findings.push({ ...at, rule: 'CK009', severity: 'error', message: `check "${check.id}" links its runbook to ${check.runbook}, but there is ${broken}` });
	}
	return findings;
}

/**
 * Lints pages against the rules (see `rules`): pure, no file access. Rules a page disables in
 * its frontmatter (`lint: { disable: [{ rule, reason }] }`) are dropped for that page.
 *
 * @example
 * lintPages([preparePage('- [ ] Owner: TBD\n', 'p.md', null)], { config: null, site: new Map(), siteWide: false })
 * // → [{ file: 'p.md', line: 1, column: 14, rule: 'CT001', severity: 'error', message: 'placeholder "TBD" in a checklist item: …' }]
 */
export function lintPages(pages: readonly LintPage[], ctx: LintContext): Finding[] {
	const checkIds = ctx.config ? new Set(ctx.config.checks.map((c) => c.id)) : null;
	const findings: Finding[] = [];
	const bound = new Set<string>();
	for (const page of pages) {
		const result = lintPage(page, checkIds);
		findings.push(...result.findings);
		for (const id of result.bound) bound.add(id);
	}
	if (ctx.config && ctx.siteWide) findings.push(...lintSite(ctx.config, ctx.site, bound));
	return sortFindings(findings);
}

/**
 * Where each check id is written in the config source (`id: 'x'`), for findings about checks.
 *
 * @example
 * locateChecks("checks: [\n  { id: 'healthz', runbook: '/x/' },\n]", [{ id: 'healthz', runbook: '/x/' }])
 * // → [{ id: 'healthz', runbook: '/x/', line: 2, column: 5 }]
 */
export function locateChecks(source: string, checks: ReadonlyArray<{ id: string; runbook: string }>): CheckRef[] {
	const lines = source.split(/\r?\n/);
	return checks.map((c) => {
		const pattern = new RegExp(`\\bid:\\s*['"\`]${escape(c.id)}['"\`]`);
		const i = lines.findIndex((l) => pattern.test(l));
		return { id: c.id, runbook: c.runbook, line: i + 1 || 1, column: i >= 0 ? lines[i]!.search(pattern) + 1 : 1 };
	});
}

/**
 * SC001 for one scenario file: schema problems, or references to pages, items, checks and regions
 * that do not exist (see `scenarioProblems`).
 *
 * @example
 * lintScenario(yamlSource, 'src/content/scenarios/restart-loop.yaml', world) // → [] for a good scenario
 */
export function lintScenario(source: string, file: string, world: ScenarioWorld): Finding[] {
	let issues: ScenarioIssue[];
	try {
		issues = scenarioProblems(parseScenario(source, file), world);
	} catch (err) {
		if (!(err instanceof ScenarioError)) throw err;
		issues = err.issues;
	}
	return sortFindings(issues.map((i) => ({ file, line: i.line, column: i.column, rule: 'SC001', severity: 'error' as const, message: i.path ? `${i.path}: ${i.message}` : i.message })));
}
