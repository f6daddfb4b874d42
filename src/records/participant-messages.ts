/**
 * The participant message templates of a runbook page: the ```text blocks under the page's
 * "Participants" (or "Participant updates") heading inside its "Communication" section. The
 * incident panel offers them with each status update, so what participants read is the text the
 * runbook's authors wrote and reviewed, with its `$PLACEHOLDERS` to fill.
 *
 * @example
 * participantMessages('## Communication\n\n### Participants\n\n```text\nWe are on it.\n```\n')
 * // → ['We are on it.']
 */
export function participantMessages(source: string): string[] {
	const lines = source.split(/\r?\n/);
	const out: string[] = [];
	let inCommunication = false;
	let inParticipants = false;
	let block: string[] | null = null;
	for (const line of lines) {
		if (block) {
			if (/^\s*```\s*$/.test(line)) {
				if (inParticipants) out.push(block.join('\n').trim());
				block = null;
			} else block.push(line);
			continue;
		}
		if (/^\s*```/.test(line)) {
			block = [];
			continue;
		}
		const h2 = /^##\s+(.*)$/.exec(line);
		if (h2) {
			inCommunication = /^communication\b/i.test(h2[1]!.trim());
			inParticipants = false;
			continue;
		}
		const h3 = /^###\s+(.*)$/.exec(line);
		if (h3) inParticipants = inCommunication && /^participant/i.test(h3[1]!.trim());
	}
	return out.filter(Boolean);
}
