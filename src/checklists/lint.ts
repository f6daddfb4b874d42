import type { ListItem, Nodes } from 'mdast';
import { brokenLinkReason, headingAnchors, type SiteIndex } from './anchors.ts';
import { extractFromParsed, type Checklist } from './extract.ts';
import { frontmatterLocator } from './lint-frontmatter-position.ts';
import { checkRunbookLink } from './lint-rules/check-runbook-link.ts';
import { commandOutsideCode } from './lint-rules/command-outside-code.ts';
import { disableWithReason, readDisables } from './lint-rules/disable-with-reason.ts';
import { duplicateItemId } from './lint-rules/duplicate-item-id.ts';
import { emptyItem } from './lint-rules/empty-item.ts';
import { numbersRule } from './lint-rules/numbers.ts';
import { mitigationWithoutRollback } from './lint-rules/mitigation-without-rollback.ts';
import { pageParses } from './lint-rules/page-parses.ts';
import { placeholder } from './lint-rules/placeholder.ts';
import type { LintRule, NodeContext, PageContext, Report, Severity } from './lint-rules/rule.ts';
import { retroSourcesRule } from './lint-rules/retro-sources.ts';
import { runbookSectionsRule } from './lint-rules/runbook-sections.ts';
import { scenarioRule } from './lint-rules/scenario.ts';
import { unknownCheck } from './lint-rules/unknown-check.ts';
import { unusedCheck } from './lint-rules/unused-check.ts';
import { unusedDisable } from './lint-rules/unused-disable.ts';
import { watchedCheckBound } from './lint-rules/watched-check-bound.ts';
import { ParseError, parsePage, type ParsedPage } from './parse.ts';

export type { LintRule, Severity } from './lint-rules/rule.ts';
export { commandTools, inlineCommandMax } from './lint-rules/command-outside-code.ts';
export { runbookSections } from './lint-rules/runbook-sections.ts';

/** One lint finding, at file:line:column. */
export interface Finding {
	file: string;
	line: number;
	column: number;
	rule: string;
	severity: Severity;
	message: string;
}

/** A lint rule as reports and `lint.disable` know it: id, name, default severity, what it wants. */
export type RuleInfo = Pick<LintRule, 'id' | 'name' | 'severity' | 'description'>;

/**
 * The rules, one module each under lint-rules/ (register a new one with one entry here). Ids
 * follow the runbook practice notes (RB, CK, CT) where a rule matches one of theirs; the others
 * continue the numbering.
 */
export const rules: LintRule[] = [
	pageParses,
	duplicateItemId,
	unknownCheck,
	unusedCheck,
	checkRunbookLink,
	emptyItem,
	runbookSectionsRule,
	mitigationWithoutRollback,
	placeholder,
	commandOutsideCode,
	disableWithReason,
	unusedDisable,
	numbersRule,
	scenarioRule,
	watchedCheckBound,
	retroSourcesRule,
];

export type RuleId = string;

/** The rules by id and by name, as `lint.disable` may name them (read when linting, so every registered rule counts). */
function rulesByIdOrName(): Map<string, LintRule> {
	return new Map(rules.flatMap((r) => [[r.id, r] as const, [r.name, r] as const]));
}

/** A page ready to lint: parsed once, its checklist extracted; or the reason it did not parse. */
export interface LintPage {
	file: string;
	source: string;
	/** The page's URL path on the site, when it is a docs page. */
	path: string | null;
	parsed: ParsedPage | null;
	checklist: Checklist | null;
	parseError: ParseError | null;
	/** Not parsed: a Markdown page outside the docs in which no rule can find anything (see `LintRule.trigger`). */
	skipped: boolean;
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

/** What must appear in a page for some rule to find something in it, or null when any page may have findings. */
function anyTrigger(): RegExp | null {
	const active = rules.filter((r) => r.node || r.page);
	if (active.some((r) => !r.trigger)) return null;
	return new RegExp(active.map((r) => `(?:${r.trigger!.source})`).join('|'), [...new Set(active.flatMap((r) => [...r.trigger!.flags].filter((f) => f === 'i' || f === 'm')))].join(''));
}

let trigger: { rules: number; pattern: RegExp | null } | null = null;

/**
 * Whether the lint must parse a page: always for MDX, docs pages (their anchors and checklists
 * are read) and pages with frontmatter (which may not parse); for other Markdown only when some
 * rule's trigger matches its source.
 *
 * @example
 * needsParse('# Alert\n\nCheck the `oc get pods` output.\n', 'alert.md', null) // → false
 */
export function needsParse(source: string, file: string, path: string | null): boolean {
	if (path !== null || file.endsWith('.mdx') || /^(?:\uFEFF)?---\r?\n/.test(source)) return true;
	if (trigger?.rules !== rules.length) trigger = { rules: rules.length, pattern: anyTrigger() };
	return trigger.pattern === null || trigger.pattern.test(source);
}

/**
 * Parses a page and extracts its checklist for the lint; a page that does not parse is kept,
 * with its error, so the lint reports it as a finding instead of stopping. A Markdown page
 * outside the docs (`path` null) that no rule's trigger matches is not parsed at all: nothing
 * could be found in it, and nothing else reads it (frontmatter, which may not parse, always
 * makes a page parse).
 *
 * @example
 * preparePage('- [ ] x\n', 'notes.md', null).checklist?.items.length // → 1
 */
export function preparePage(source: string, file: string, path: string | null): LintPage {
	if (!needsParse(source, file, path)) return { file, source, path, parsed: null, checklist: null, parseError: null, skipped: true };
	try {
		const parsed = parsePage(source, file);
		return { file, source, path, parsed, checklist: extractFromParsed(parsed, source), parseError: null, skipped: false };
	} catch (err) {
		if (err instanceof ParseError) return { file, source, path, parsed: null, checklist: null, parseError: err, skipped: false };
		throw err;
	}
}

/** The site index of a set of pages: every page with a URL path, with its heading anchors. */
export function siteIndex(pages: readonly LintPage[]): SiteIndex {
	const site: SiteIndex = new Map();
	for (const page of pages) if (page.path && page.parsed) site.set(page.path, headingAnchors(page.parsed.tree));
	return site;
}

/** Sorts findings by file, line, column, rule. */
export function sortFindings(findings: Finding[]): Finding[] {
	return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const isTaskItem = (n: Nodes): n is ListItem => n.type === 'listItem' && typeof n.checked === 'boolean';

/**
 * The rules of one page (everything but the site-wide CK008 and CK009), with the page's
 * disables applied; also the check ids the page binds, which the site-wide rules need. One walk
 * over the page's one tree calls every rule's `node`.
 *
 * @example
 * lintPage(preparePage('- [ ] Owner: TBD\n', 'p.md', null), null).findings[0].rule // → 'CT001'
 */
export function lintPage(page: LintPage, checkIds: ReadonlySet<string> | null): { findings: Finding[]; bound: string[] } {
	if (page.skipped) return { findings: [], bound: [] };
	if (!page.parsed || !page.checklist) {
		const e = page.parseError!;
		return { findings: [{ file: page.file, line: e.line, column: e.column, rule: 'PG001', severity: 'error', message: `cannot parse: ${e.reason}` }], bound: [] };
	}
	const { tree, frontmatter } = page.parsed;
	const ctx: PageContext = {
		file: page.file,
		tree,
		frontmatter,
		lines: page.source.replace(/\r\n?/g, '\n').split('\n'),
		checklist: page.checklist,
		checkIds,
		frontmatterAt: frontmatterLocator(tree),
	};
	const own: Finding[] = [];
	const reporter = (rule: LintRule): Report => (at, message, severity) => own.push({ file: page.file, line: at.line, column: at.column, rule: rule.id, severity: severity ?? rule.severity, message });
	const disables = readDisables(ctx, rulesByIdOrName(), reporter(disableWithReason));
	const nodeRules = rules.filter((r) => r.node).map((r) => ({ rule: r, report: reporter(r) }));
	const walk = (node: Nodes, where: NodeContext) => {
		for (const { rule, report } of nodeRules) rule.node!(node, where, ctx, report);
		if (!('children' in node)) return;
		const inner = isTaskItem(node) || node.type === 'table' ? { inItem: where.inItem || isTaskItem(node), inTable: where.inTable || node.type === 'table' } : where;
		for (const child of node.children as Nodes[]) walk(child, inner);
	};
	walk(tree, { inItem: false, inTable: false });
	for (const rule of rules) rule.page?.(ctx, reporter(rule));

	const findings: Finding[] = [];
	for (const f of own) {
		const d = disables.find((x) => x.rule.id === f.rule);
		if (d) d.used = true;
		else findings.push(f);
	}
	for (const d of disables) {
		if (!d.used) findings.push({ file: page.file, ...d.at, rule: unusedDisable.id, severity: unusedDisable.severity, message: `lint.disable of ${d.rule.id} suppresses nothing on this page: remove it` });
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
