/**
 * The browser side of the workshop loop, shared by the participant forms, the board and the
 * incident panel: the workshop month shown, the room code this browser typed, and JSON calls
 * that turn the server's refusal into its own words. Small on purpose: the participant guide
 * ships it.
 */

/** The workshop this page is about: `?workshop=2026-12`, else this month in the reader's time zone. */
export function workshopMonth(now = new Date()): string {
	const given = new URLSearchParams(location.search).get('workshop');
	if (given && /^\d{4}-(0[1-9]|1[0-2])$/.test(given)) return given;
	return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

/** An answer that was not 2xx: the status and the server's message. */
export class LoopError extends Error {
	readonly status: number;
	constructor(status: number, message: string) {
		super(message);
		this.status = status;
	}
}

/** GET (no body) or POST JSON; a refusal throws LoopError with the server's message. */
export async function call<T>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
	let res: Response;
	try {
		res = await fetch(path, {
			method: body === undefined ? 'GET' : 'POST',
			headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			credentials: 'same-origin',
			cache: 'no-store',
		});
	} catch {
		throw new LoopError(0, 'The handbook cannot be reached right now. Check your connection and try again.');
	}
	const data = (await res.json().catch(() => ({}))) as T & { error?: string };
	if (!res.ok) throw new LoopError(res.status, data.error ?? `the server answered ${res.status}`);
	return data;
}

const codeKey = 'handbook:workshop-code';

/** The code this browser last typed for a workshop ('' when none). */
export function savedCode(workshop: string): string {
	try {
		const v = JSON.parse(localStorage.getItem(codeKey) ?? 'null') as { workshop: string; code: string } | null;
		return v?.workshop === workshop ? v.code : '';
	} catch {
		return '';
	}
}

/** Remembers the code that worked, and tells the other form on the page (so it is typed once). */
export function saveCode(workshop: string, code: string): void {
	try {
		localStorage.setItem(codeKey, JSON.stringify({ workshop, code }));
	} catch {
		// Storage off: the participant types the code again next time.
	}
	window.dispatchEvent(new CustomEvent('hb:workshop-code', { detail: { workshop, code } }));
}

/** Fills `input` with the code this browser typed for `workshop`, now and whenever another form saves one, unless it holds one. */
export function fillCode(input: HTMLInputElement, workshop: string): void {
	input.value ||= savedCode(workshop);
	window.addEventListener('hb:workshop-code', (e) => {
		const d = (e as CustomEvent<{ workshop: string; code: string }>).detail;
		if (d.workshop === workshop && !input.value.trim()) input.value = d.code;
	});
}

/** Reads a JSON value from localStorage, or the fallback. */
export function load<T>(key: string, fallback: T): T {
	try {
		return (JSON.parse(localStorage.getItem(key) ?? 'null') as T) ?? fallback;
	} catch {
		return fallback;
	}
}

export function store(key: string, value: unknown): void {
	try {
		localStorage.setItem(key, JSON.stringify(value));
	} catch {
		// Storage off: only this page view remembers.
	}
}

/** "3 min", "1 h 5 min": how long something has waited. */
export function waited(fromIso: string, to = Date.now()): string {
	const m = Math.max(0, Math.floor((to - Date.parse(fromIso)) / 60_000));
	if (m < 1) return 'under a minute';
	if (m < 60) return `${m} min`;
	return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Sets an element's text (never HTML: participants' words stay words). */
export function text(el: Element | null, value: string): void {
	if (el) el.textContent = value;
}
