import type { Retro } from './retro.ts';
import type { HelpRequest, Incident } from '../store/workshop-store.ts';
import { helpMinutes } from './workshop-summary.ts';

/**
 * GitHub-issue-ready blocks for what a workshop left to follow up: the retrospective's open
 * action items that have no tracked issue yet, incidents marked for follow-up (every P0 and P1
 * is), and help requests a helper marked so. Pure and offline: `handbook retro issues` prints
 * them for the team to file in one paste; nothing here calls GitHub.
 */
export interface IssueDraft {
	title: string;
	body: string;
	labels: string[];
	/** What it came from: "action", "incident <id>", "help <id>". */
	source: string;
}

const fence = (text: string) => {
	const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
	const f = '`'.repeat(longest + 1);
	return `${f}text\n${text}\n${f}`;
};
const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/**
 * The issue drafts of one workshop.
 *
 * @example
 * issueDrafts({ workshop: '2026-12', site: 'https://handbook.example/', retro, incidents, help })[0].title
 * // → '[2026-12] P1 incident: Image pulls failing in London'
 */
export function issueDrafts(input: { workshop: string; site: string; retro: Retro | null; incidents: readonly Incident[]; help: readonly HelpRequest[] }): IssueDraft[] {
	const site = input.site.replace(/\/+$/, '');
	const retroPage = `${site}/records/retros/${input.workshop}/`;
	const month = `workshop-${input.workshop}`;
	const drafts: IssueDraft[] = [];
	for (const a of input.retro?.actions ?? []) {
		if (a.status !== 'open' || a.issue) continue;
		drafts.push({
			title: `[${input.workshop}] ${a.title}`,
			labels: [month, 'action-item', a.horizon],
			source: 'action',
			body: [
				`An action item from the [${input.workshop} retrospective](${retroPage}#action-items).`,
				'',
				`- Owner: ${a.owner ?? 'to assign'}`,
				`- Due: ${a.due ?? 'to set'} (${a.horizon})`,
				'',
				`When this issue exists, put its URL in \`retro.actions\` of the retrospective page so the trends page tracks it.`,
			].join('\n'),
		});
	}
	for (const i of input.incidents) {
		if (!i.followUp) continue;
		const updates = i.updates.filter((u) => u.note || u.message).map((u) => `- ${utc(u.at)} ${u.status}${u.note ? `: ${u.note}` : ''}`);
		drafts.push({
			title: `[${input.workshop}] ${i.severity} incident: ${i.title}`,
			labels: [month, 'incident', i.severity],
			source: `incident ${i.id}`,
			body: [
				`${i.severity} incident during the ${input.workshop} workshop (incident \`${i.id}\` in the handbook's incident log).`,
				'',
				`- Declared: ${utc(i.declaredAt)} by ${i.declaredBy}${i.commander ? `, incident commander ${i.commander}` : ''}`,
				`- Resolved: ${i.resolvedAt ? `${utc(i.resolvedAt)}, after ${i.durationMinutes} min` : 'not resolved when this was written'}`,
				`- User-visible: ${i.userVisible ? 'yes' : 'no'}`,
				i.runbook ? `- Runbook: ${site}${i.runbook}` : '- Runbook: none linked',
				`- Retrospective: ${retroPage}`,
				...(updates.length ? ['', 'Timeline notes:', '', ...updates] : []),
				'',
				'Follow the runbook\'s "After the incident" section: cause, fix, and what changes in the checklists.',
			].join('\n'),
		});
	}
	for (const h of input.help) {
		if (!h.followUp) continue;
		const first = h.description.split(/\r?\n/)[0]!;
		drafts.push({
			title: `[${input.workshop}] Participant help: ${first.length > 70 ? `${first.slice(0, 69)}…` : first}`,
			labels: [month, 'participant-support'],
			source: `help ${h.id}`,
			body: [
				`A participant's help request during the ${input.workshop} workshop that needs a follow-up (request \`${h.id}\`; the participant's name is kept out of the issue).`,
				'',
				`- Region: ${h.region}`,
				`- Sent: ${utc(h.createdAt)}; ${h.resolvedAt ? `resolved after ${helpMinutes(h)} min by ${h.resolvedBy}` : 'not resolved'}`,
				`- Retrospective: ${retroPage}`,
				'',
				'What they saw, as they wrote it:',
				'',
				fence(h.description),
				...(h.error ? ['', 'Error text:', '', fence(h.error)] : []),
				...(h.resolution ? ['', `What the helper did: ${h.resolution}`] : []),
			].join('\n'),
		});
	}
	return drafts;
}

/** The drafts as one Markdown document: a block per issue, separated by rules. */
export function issuesMarkdown(drafts: readonly IssueDraft[]): string {
	return drafts.map((d, n) => `<!-- issue ${n + 1} of ${drafts.length} (${d.source}) -->\n**Title:** ${d.title}\n**Labels:** ${d.labels.join(', ')}\n\n${d.body}\n`).join('\n---\n\n');
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The drafts as `gh issue create` commands: paste into a shell in the repository to file them all. */
export function issuesGh(drafts: readonly IssueDraft[]): string {
	return drafts
		.map((d, n) => {
			const tag = `HANDBOOK_ISSUE_${n + 1}`;
			return `gh issue create --title ${shellQuote(d.title)} ${d.labels.map((l) => `--label ${shellQuote(l)}`).join(' ')} --body-file - <<'${tag}'\n${d.body}\n${tag}\n`;
		})
		.join('\n');
}
