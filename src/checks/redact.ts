/**
 * The one redaction boundary. Every value that leaves a check (message, observed values, errors,
 * bodies), every log line and every field a person typed passes through a `Redactor` before it
 * is stored, sent or printed, and only then is anything cut to length (`excerpt`, `finishText`):
 * a cut can never leave part of a secret behind.
 *
 * A secret is recognised as it is, in any letter case, URL-encoded, and base64 / base64url
 * encoded at any of the three byte alignments (so a secret inside a Basic credential or a token
 * blob is found too).
 */

export const REDACTED = '[redacted]';

/** Shorter values are not treated as secrets: they would shred ordinary text. */
const MIN_SECRET = 4;
/** Encoded forms shorter than this are not matched: too likely to occur by chance. */
const MIN_ENCODED = 8;

// `excerpt` marks the part of a text to be cut later: \uE000 <max> \uE001 <text> \uE002. Private-use
// characters, which neither secrets nor upstream answers carry in practice (stripped on entry).
const OPEN = '\uE000';
const MID = '\uE001';
const CLOSE = '\uE002';
/**
 * Where a reader stopped taking bytes (a body or an output over its cap): the redactor also
 * removes what precedes it when that is the beginning of a secret.
 */
export const CUT = '\uE003';
const MARKS = /[\uE000-\uE003]/g;
const EXCERPT = /\uE000(\d+)\uE001([^\uE000-\uE002]*)\uE002/g;
/** Shortest beginning of a secret removed before a `CUT`. */
const MIN_PARTIAL = 3;

/**
 * Marks `text` to be shown cut to `max` characters (trimmed, with "…" when cut), once it has been
 * redacted. Kinds use it wherever they quote an upstream answer; the runner does the cut.
 *
 * @example
 * throw new ProbeError(`Alertmanager answered ${res.status}: ${excerpt(res.body, 120)}`);
 */
export function excerpt(text: string, max: number): string {
	return `${OPEN}${max}${MID}${text.replace(MARKS, '')}${CLOSE}`;
}

function cut(text: string, max: number): string {
	const trimmed = text.trim();
	return trimmed.length <= max ? trimmed : `${trimmed.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/**
 * Applies the cuts `excerpt` marked, trims, and cuts the whole text to `max` characters. Call it only on
 * text that has been redacted.
 */
export function finishText(text: string, max = Infinity): string {
	const done = text
		.replace(EXCERPT, (_, n: string, inner: string) => cut(inner, Number(n)))
		.replaceAll(CUT, '…')
		.replace(MARKS, '');
	return cut(done, max);
}

function base64Cores(secret: string): string[] {
	const bytes = Buffer.from(secret, 'utf8');
	const out: string[] = [];
	// At alignment k the secret starts k bytes into a 3-byte group: the characters that also
	// carry the neighbours' bits (before and after) are dropped, the rest is always the same.
	for (let k = 0; k < 3; k++) {
		const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64').replace(/=+$/, '');
		const skip = k === 0 ? 0 : k + 1;
		const tail = (k + bytes.length) % 3 === 0 ? 0 : 1;
		const core = encoded.slice(skip, encoded.length - tail);
		if (core.length >= MIN_ENCODED) out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
	}
	return out;
}

/** Every form of `secret` that is redacted: itself, URL-encoded, base64(url) at each alignment. */
export function secretForms(secret: string): string[] {
	const forms = new Set<string>([secret]);
	const encoded = encodeURIComponent(secret);
	if (encoded !== secret) forms.add(encoded);
	if (secret.length >= MIN_ENCODED - 2) for (const core of base64Cores(secret)) forms.add(core);
	return [...forms];
}

function escapeRegExp(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes secret values, in every form `secretForms` lists and in any letter case, from text and
 * from the strings (and keys) inside JSON-safe values.
 */
export class Redactor {
	#values = new Set<string>();
	#pattern: RegExp | null = null;
	#parent: Redactor | undefined;

	constructor(values: Iterable<string | undefined> = [], parent?: Redactor) {
		this.#parent = parent;
		for (const v of values) if (v) this.add(v);
	}

	/** Adds a value to redact from now on (a secret, a generated sign-in token, a credential sent). */
	add(value: string): void {
		if (value.length < MIN_SECRET || this.#values.has(value)) return;
		this.#values.add(value);
		this.#pattern = null;
	}

	/** A redactor that also knows values learnt during one probe (credentials the probe sent). */
	child(): Redactor {
		return new Redactor([], this);
	}

	#forms: string[] = [];

	#regexp(): RegExp | null {
		if (this.#pattern === null && this.#values.size) {
			// Longest first, so a secret containing another is removed whole.
			this.#forms = [...new Set([...this.#values].flatMap(secretForms))].sort((a, b) => b.length - a.length);
			this.#pattern = new RegExp(this.#forms.map(escapeRegExp).join('|'), 'giu');
		}
		return this.#pattern;
	}

	text(s: string): string {
		let out = this.#parent ? this.#parent.text(s) : s;
		const re = this.#regexp();
		if (!re) return out;
		out = out.replace(re, REDACTED);
		return out.includes(CUT) ? this.#partialBeforeCut(out) : out;
	}

	/** Text cut by bytes may end in the first characters of a secret: those go too. */
	#partialBeforeCut(text: string): string {
		return text
			.split(CUT)
			.map((part, i, parts) => {
				if (i === parts.length - 1) return part;
				const lower = part.toLowerCase();
				for (const form of this.#forms) {
					for (let n = Math.min(form.length - 1, part.length); n >= MIN_PARTIAL; n--) {
						if (lower.endsWith(form.slice(0, n).toLowerCase())) return part.slice(0, part.length - n) + REDACTED;
					}
				}
				return part;
			})
			.join(CUT);
	}

	/** Redacts every string, and every object key, inside a JSON-safe value. */
	value<T>(v: T): T {
		if (typeof v === 'string') return this.text(v) as T;
		if (Array.isArray(v)) return v.map((x) => this.value(x)) as T;
		if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.text(k), this.value(x)])) as T;
		return v;
	}
}

/**
 * Redacts, then cuts: every string inside `value` gets its marked excerpts applied and is cut to
 * `limits[key]` characters (the key it sits under at the top level) or `defaultMax`.
 */
export function redactAndCut<T>(redactor: Redactor, value: T, limits: Readonly<Record<string, number>> = {}, defaultMax = 2_000): T {
	const walk = (v: unknown, max: number): unknown => {
		if (typeof v === 'string') return finishText(redactor.text(v), max);
		if (Array.isArray(v)) return v.map((x) => walk(x, max));
		if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [finishText(redactor.text(k), 200), walk(x, max)]));
		return v;
	};
	if (!value || typeof value !== 'object' || Array.isArray(value)) return walk(value, defaultMax) as T;
	return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, walk(x, limits[k] ?? defaultMax)])) as T;
}
