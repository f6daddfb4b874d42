import type { LintRule } from './rule.ts';

/** " (did you mean …?)" for a near miss among known ids. */
export function nearest(id: string, known: Iterable<string>): string {
	let best: string | null = null;
	let bestDistance = Infinity;
	for (const k of known) {
		const d = distance(id, k);
		if (d < bestDistance) [best, bestDistance] = [k, d];
	}
	return best && bestDistance <= Math.max(2, Math.floor(id.length / 4)) ? ` (did you mean "${best}"?)` : '';
}

/** Levenshtein distance. */
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

/** CK007: `<Check id>` and `runbook.checks` entries name checks the config defines. */
export const unknownCheck: LintRule = {
	id: 'CK007',
	name: 'unknown-check',
	severity: 'error',
	description: 'Every <Check id> and every runbook `checks:` entry names a check defined in handbook.config.ts.',
	trigger: /<Check\b|^runbook:/m,
	node(node, _where, { checkIds }, report) {
		if (!checkIds || node.type !== 'mdxJsxTextElement' && node.type !== 'mdxJsxFlowElement' || node.name !== 'Check') return;
		const id = node.attributes.find((a) => a.type === 'mdxJsxAttribute' && a.name === 'id')?.value;
		if (typeof id !== 'string' || id === '') report(node.position!.start, '<Check> needs an id naming a check of handbook.config.ts, e.g. <Check id="litellm-key-expiry" />');
		else if (!checkIds.has(id)) report(node.position!.start, `unknown check "${id}": no check with that id in the config${nearest(id, checkIds)}`);
	},
	page({ checkIds, frontmatter, frontmatterAt }, report) {
		const listed = (frontmatter.runbook as { checks?: unknown } | undefined)?.checks;
		if (!checkIds || !Array.isArray(listed)) return;
		listed.forEach((id, i) => {
			if (typeof id === 'string' && !checkIds.has(id)) report(frontmatterAt(['runbook', 'checks', i]), `runbook.checks names an unknown check "${id}"${nearest(id, checkIds)}`);
		});
	},
};
