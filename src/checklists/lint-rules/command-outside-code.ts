import { positionIn } from './position.ts';
import type { LintRule } from './rule.ts';

/** Commands that belong in a fenced code block. */
export const commandTools = ['kubectl', 'coder', 'curl', 'aws', 'helm', 'crane', 'promtool'] as const;
/** Inline code holding a command may be this long; longer belongs in a block. */
export const inlineCommandMax = 40;

const tools = commandTools.join('|');
const proseCommand = new RegExp(`(?<=^|[\\s(“"'])(\\$\\s+)?(${tools})((?:[ \\t]+[^\\s]+){1,8})`, 'g');
const argumentLooksLikeCommand = /^(?:-{1,2}[A-Za-z]|["']?\$[A-Z_{(]|https?:\/\/)/;
const codeCommandLine = new RegExp(`^\\s*(?:\\$\\s+)?(?:${tools})\\s`, 'm');
/** A command in inline code: `kubectl get pods …`. */
export const inlineCommand = new RegExp(`^(?:\\$\\s+)?(?:${tools})\\s+\\S`);

/**
 * CT002: commands go in fenced code blocks. Not in table cells: a cell cannot hold a block, so
 * the fix is impossible there.
 */
export const commandOutsideCode: LintRule = {
	id: 'CT002',
	name: 'command-outside-code',
	severity: 'error',
	description: 'Commands (kubectl, coder, curl, aws, helm, crane, promtool) go in fenced code blocks with a language: an error in prose, a warning in inline code longer than 40 characters or in a block without a language. Table cells are exempt: a block cannot go there.',
	trigger: new RegExp(tools),
	node(node, { inTable }, { lines }, report) {
		if (node.type === 'code') {
			if (!node.lang && codeCommandLine.test(node.value)) report(node.position!.start, 'a code block with a command has no language: write ```sh (or bash, console) so it is shown and copied as a command', 'warning');
			return;
		}
		if (inTable) return;
		if (node.type === 'inlineCode') {
			if (inlineCommand.test(node.value) && node.value.length > inlineCommandMax) {
				report(node.position!.start, `a ${node.value.length}-character command in inline code: put it in a fenced \`\`\`sh block (inline commands are at most ${inlineCommandMax} characters)`, 'warning');
			}
		} else if (node.type === 'text') {
			for (const m of node.value.matchAll(proseCommand)) {
				const args = m[3]!.trim().split(/\s+/);
				if (!m[1] && !args.some((a) => argumentLooksLikeCommand.test(a))) continue;
				report(positionIn(node, m.index + (m[1]?.length ?? 0), m[2]!, lines), `"${m[2]} ${args.slice(0, 3).join(' ')}…" is a command in prose: put it in a fenced \`\`\`sh block`);
			}
		}
	},
};
