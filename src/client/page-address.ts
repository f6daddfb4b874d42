/** Puts the run a page shows in its address (`?run=`), so a reload or a shared link shows the same run. */
export function showRunInAddress(runId: string | null): void {
	const url = new URL(location.href);
	if (runId) url.searchParams.set('run', runId);
	else url.searchParams.delete('run');
	history.replaceState(history.state, '', url);
}
