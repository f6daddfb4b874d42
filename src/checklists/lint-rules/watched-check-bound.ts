import { boundChecks } from '../extract.ts';
import type { LintRule } from './rule.ts';

/**
 * CK012: a board (`checklist.watch`) shows the page's items bound to the checks it watches, so
 * each watched check must be bound by an item of the same page. Found when linting, not while a
 * page renders: the run bar and the wall page take the items as given.
 */
export const watchedCheckBound: LintRule = {
	id: 'CK012',
	name: 'watched-check-bound',
	severity: 'error',
	description: 'Every check in `checklist.watch.checks` is bound (<Check id>) by an item of the same page: the board shows those items.',
	trigger: /\bwatch\s*:/,
	page({ frontmatter, frontmatterAt, checklist }, report) {
		const watch = (frontmatter.checklist as { watch?: { checks?: unknown } } | undefined)?.watch;
		if (!Array.isArray(watch?.checks)) return;
		const bound = boundChecks(checklist);
		watch.checks.forEach((id: unknown, i) => {
			if (typeof id !== 'string' || bound.includes(id)) return;
			report(
				frontmatterAt(['checklist', 'watch', 'checks', i]),
				`checklist.watch names "${id}", which no item of this page binds: add <Check id="${id}" /> to the item it watches, or remove it from watch.checks (bound here: ${bound.join(', ') || 'none'})`,
			);
		});
	},
};
