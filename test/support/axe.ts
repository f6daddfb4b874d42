import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe-core violation on one element, as a line a person can act on. */
export interface AxeFinding {
	rule: string;
	impact: string;
	target: string;
	summary: string;
}

/**
 * Runs axe-core (injected into the page; WCAG 2.0 / 2.1 A and AA rules, or the given rules) and
 * returns the violations of the given impacts, one per element.
 */
export async function axeViolations(page: Page, impacts: readonly string[] = ['serious', 'critical'], rules?: readonly string[]): Promise<AxeFinding[]> {
	// Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
	// govern (a <script> tag would be refused, as it should be).
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${axeSource}\n;void 0`);
	const results = await page.evaluate(async (only) => {
		const axe = (window as unknown as { axe: { run: (ctx: Document, options: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
		return axe.run(document, { runOnly: only ? { type: 'rule', values: only } : { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
	}, rules ? [...rules] : null);
	return results.violations
		.filter((v) => impacts.includes(v.impact ?? ''))
		.flatMap((v) => v.nodes.map((n) => ({ rule: v.id, impact: v.impact ?? '', target: n.target.map(String).join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 200) })));
}
