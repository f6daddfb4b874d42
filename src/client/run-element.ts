// The lifecycle shared by the run bar's custom elements (run picker and progress, decision,
// session): their `data-ref` nodes, their subscriptions to the page's run store and their timers,
// all let go when the element leaves the page, as Starlight's own elements do.
import { store } from './run-store.ts';

export abstract class RunElement extends HTMLElement {
	#refs: Record<string, HTMLElement> = {};
	#listeners: Array<[string, EventListener]> = [];
	#timers: Array<ReturnType<typeof setTimeout>> = [];

	/** The element's node marked `data-ref="name"` (its own, not those of nested run elements). */
	ref<T extends HTMLElement = HTMLElement>(name: string): T {
		return this.#refs[name] as T;
	}

	connectedCallback(): void {
		for (const el of this.querySelectorAll<HTMLElement>('[data-ref]')) {
			if (el.parentElement?.closest('hb-run-decision, hb-run-session, hb-run') === this) this.#refs[el.dataset.ref!] ??= el;
		}
		this.on('change', () => this.render());
		this.on('clock', () => this.render());
		this.wire();
		this.render();
	}

	disconnectedCallback(): void {
		for (const [type, listener] of this.#listeners) store.removeEventListener(type, listener);
		this.#listeners = [];
		for (const t of this.#timers) clearTimeout(t);
		this.#timers = [];
	}

	/** Listens to the run store for as long as the element is on the page. */
	protected on(type: string, listener: EventListener): void {
		store.addEventListener(type, listener);
		this.#listeners.push([type, listener]);
	}

	/** A timer cleared when the element leaves the page (setInterval with `repeat`). */
	protected later(fn: () => void, ms: number, repeat = false): ReturnType<typeof setTimeout> {
		const t = repeat ? setInterval(fn, ms) : setTimeout(fn, ms);
		this.#timers.push(t);
		return t;
	}

	/** Moves focus to what an action produced, once rendered (never left on <body>). */
	protected focusRef(name: string): void {
		this.render();
		const el = this.ref(name);
		if (el && !el.hidden) el.focus();
	}

	/** Adds the element's own event handlers (once, when connected). */
	protected abstract wire(): void;

	abstract render(): void;
}
