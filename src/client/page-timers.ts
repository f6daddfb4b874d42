// The timers a live checklist page keeps while open; `stop` clears every one of them.

export interface PageTimers {
	/** Every 15 s: ages shown on the page move on. */
	clock(): void;
	/** Every 10 s and when the reader comes back to the tab, while the page is seen. */
	catchUp(): void;
	/** Every 60 s while the page is seen. */
	reread(): void;
}

/** Starts the page's timers; returns the function that stops them all. */
export function startPageTimers(t: PageTimers): () => void {
	const seen = () => document.visibilityState === 'visible';
	const onVisible = () => seen() && t.catchUp();
	const timers = [setInterval(t.clock, 15_000), setInterval(onVisible, 10_000), setInterval(() => seen() && t.reread(), 60_000)];
	document.addEventListener('visibilitychange', onVisible);
	return () => {
		for (const timer of timers) clearInterval(timer);
		document.removeEventListener('visibilitychange', onVisible);
	};
}
