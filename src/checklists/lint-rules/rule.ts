import type { Nodes, Root } from 'mdast';
import type { Checklist } from '../extract.ts';

export type Severity = 'error' | 'warning';

/** A position in a file, 1-based. */
export interface At {
	line: number;
	column: number;
}

/** What a rule reports: where, what to do, and (when not its default) how bad it is. */
export type Report = (at: At, message: string, severity?: Severity) => void;

/** A page as the rules see it: parsed once, its checklist extracted. */
export interface PageContext {
	file: string;
	tree: Root;
	frontmatter: Record<string, unknown>;
	/** The page's lines (LF), for columns inside text nodes. */
	lines: readonly string[];
	checklist: Checklist;
	/** The config's check ids; null when linting without a config (check rules off). */
	checkIds: ReadonlySet<string> | null;
	/**
	 * Where a frontmatter key (`['runbook']`) or value (`['lint', 'disable', 0, 'rule']`) is
	 * written, from the YAML document; the nearest parent when the path is not there.
	 */
	frontmatterAt(path: ReadonlyArray<string | number>): At;
}

/** Where a node is in the tree walk: inside a task item, inside a table cell. */
export interface NodeContext {
	inItem: boolean;
	inTable: boolean;
}

/**
 * A lint rule (remark-lint's shape: one file per rule): its id (what a page disables), a name,
 * its default severity and what it wants, and its checks. `node` is called for every node of
 * the one walk over the page's tree; `page` once per page. Rules about the whole site or the
 * scenarios are run by the lint itself and carry only their description here.
 *
 * `trigger`, when given, is a necessary condition on the page source: a Markdown page outside
 * the docs that no rule's trigger matches cannot have findings, so it is not parsed at all.
 * A rule with `node` or `page` and no trigger makes every page parse.
 */
export interface LintRule {
	id: string;
	name: string;
	severity: Severity;
	description: string;
	trigger?: RegExp;
	node?(node: Nodes, where: NodeContext, page: PageContext, report: Report): void;
	page?(page: PageContext, report: Report): void;
}
