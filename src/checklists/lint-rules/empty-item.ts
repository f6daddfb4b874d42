import { toString } from 'mdast-util-to-string';
import type { LintRule } from './rule.ts';

/** CK010: a task item with no text, or a bullet that is only "[ ]" (GFM does not make it a box). */
export const emptyItem: LintRule = {
	id: 'CK010',
	name: 'empty-item',
	severity: 'error',
	description: 'A task item says what to do; a bare "[ ]" is not a checkbox at all.',
	trigger: /\[[ xX]\]/,
	node(node, _where, _page, report) {
		if (node.type !== 'listItem' || node.checked != null) return;
		const first = node.children[0];
		if (first?.type === 'paragraph' && /^\[[ xX]\]$/.test(toString(first).trim())) {
			report(node.position!.start, 'an empty task item: "[ ]" with nothing after it renders as text, not as a checkbox; write what to do after the box');
		}
	},
	page({ checklist }, report) {
		for (const item of checklist.items) {
			if (item.text === '') report(item, item.fields.length || item.checkId ? 'a task item with a <Field> or <Check> but no text: say what the value or check is for' : 'an empty task item: write what to do');
		}
	},
};
