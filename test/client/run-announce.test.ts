import { describe, expect, it } from 'vitest';
import { announcement, type AnnounceContext } from '../../src/client/run-announce.ts';
import type { RunEvent } from '../../src/server/run-event.ts';

const context = (me: string | null): AnnounceContext => ({
	view: { progress: { items: [{ id: 'support-notified', text: 'Support staff notified', checkId: null, state: 'done', reason: null }] } } as never,
	me,
	checkTitle: () => undefined,
});
const tick = (target: string): RunEvent => ({ actor: 'Bo', target } as never);

describe('announcement', () => {
	it("reads another person's tick with the item's text from the run's progress, not from the page", () => {
		expect(announcement('item.tick', tick('support-notified'), context('Ana'))).toBe('Bo ticked: Support staff notified.');
		expect(announcement('item.untick', tick('gone-item'), context('Ana'))).toBe('Bo unticked: gone-item.');
	});
	it('says nothing of your own ticks', () => {
		expect(announcement('item.tick', tick('support-notified'), context('Bo'))).toBeNull();
	});
});
