import { describe, expect, it } from 'vitest';
import { age, isRed, newestFinish, observedText, stateIcon, stateLabel } from '../../src/client/format.ts';

describe('format', () => {
	it('words and icons every state from the server’s table', () => {
		expect(stateLabel('no-run')).toBe('no run');
		expect(stateLabel('not-run')).toBe('not run');
		expect(stateLabel('ticked')).toBe('done');
		expect([stateLabel('fail'), stateIcon('fail')]).toEqual(['fail', '✕']);
		expect([stateLabel('error'), stateIcon('error')]).toEqual(['error', '⚠']);
		expect(stateIcon('skipped')).not.toBe(stateIcon('pass'));
		expect(stateIcon('no-run')).toBe('');
		expect(isRed('no-run')).toBe(false);
		expect(isRed('interrupted')).toBe(true);
	});

	it('says ages in words that fit a column', () => {
		const now = new Date('2026-12-01T10:03:10Z');
		expect(age('2026-12-01T10:03:05Z', now)).toBe('just now');
		expect(age('2026-12-01T10:02:40Z', now)).toBe('30 s ago');
		expect(age('2026-12-01T10:00:00Z', now)).toBe('3 min ago');
		expect(age('2026-12-01T07:00:00Z', now)).toBe('3 h ago');
		expect(age('2026-11-28T10:00:00Z', now)).toBe('3 d ago');
		expect(age(null, now)).toBe('');
		expect(age('garbage', now)).toBe('');
	});

	it('shows observed values in full, not cut', () => {
		const long = 'x'.repeat(1000);
		expect(observedText(long)).toBe(long);
		expect(observedText({ a: 1 })).toBe('{"a":1}');
		expect(observedText(64.2)).toBe('64.2');
	});

	it("takes a check's newest region result as its age, whatever the order of the regions", () => {
		const results = [{ finishedAt: '2026-12-01T10:05:00Z' }, { finishedAt: '2026-12-01T09:00:00Z' }, { finishedAt: null }, { finishedAt: '2026-12-01T10:01:00Z' }];
		expect(newestFinish(results)).toBe('2026-12-01T10:05:00Z');
		expect(newestFinish([...results].reverse())).toBe('2026-12-01T10:05:00Z');
		expect(age(newestFinish(results), new Date('2026-12-01T10:08:00Z'))).toBe('3 min ago');
		expect(newestFinish([{ finishedAt: null }])).toBeUndefined();
		expect(newestFinish([])).toBeUndefined();
	});
});
