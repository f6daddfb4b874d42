import { describe, expect, it } from 'vitest';
import { CUT, excerpt, finishText, redactAndCut, Redactor, secretForms } from '../../src/checks/redact.ts';

const secret = 'tok_9fK2-xQ7/zz+Lm';

describe('Redactor', () => {
	it('removes a secret in any case, URL-encoded, and base64 / base64url at every alignment', () => {
		const r = new Redactor([secret]);
		for (const prefix of ['', 'a', 'ab', 'abc']) {
			const b64 = Buffer.from(`${prefix}${secret}!`).toString('base64');
			const b64url = Buffer.from(`${prefix}${secret}!`).toString('base64url');
			for (const text of [b64, b64url]) expect(r.text(`Basic ${text}`)).toContain('[redacted]');
		}
		const text = `${secret} ${secret.toUpperCase()} ${encodeURIComponent(secret)} ${Buffer.from(`user:${secret}`).toString('base64')}`;
		const out = r.text(text);
		for (const form of secretForms(secret)) expect(out).not.toContain(form);
		expect(out.toLowerCase()).not.toContain(secret.toLowerCase());
	});

	it('learns credentials per probe without teaching the engine-wide redactor', () => {
		const engine = new Redactor([secret]);
		const probe = engine.child();
		probe.add('sent-bearer-credential');
		expect(probe.text(`${secret} sent-bearer-credential`)).toBe('[redacted] [redacted]');
		expect(engine.text('sent-bearer-credential')).toBe('sent-bearer-credential');
	});

	it('removes the beginning of a secret left before a byte cut', () => {
		const r = new Redactor([secret]);
		expect(finishText(r.text(`body … ${secret.slice(0, 7)}${CUT}`))).toBe('body … [redacted]…');
		expect(finishText(r.text(`body … plain text${CUT}`))).toBe('body … plain text…');
	});

	it('cuts only after redacting: a secret straddling the limit leaves nothing behind', () => {
		const r = new Redactor([secret]);
		const body = `${'.'.repeat(110)}${secret} trailing`;
		const message = finishText(r.text(`answered 401: ${excerpt(body, 120)}`));
		expect(message).toBe(`answered 401: ${'.'.repeat(110)}[redacted]`.slice(0, 14 + 119) + '…');
		expect(message).not.toContain(secret.slice(0, 4));
		const observed = redactAndCut(r, { body, nested: { list: [secret] } }, { body: 115 });
		expect(observed).toEqual({ body: `${'.'.repeat(110)}[red…`, nested: { list: ['[redacted]'] } });
	});
});
