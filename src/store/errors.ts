import type { Run, StoredResult } from './model.ts';

/** The run was signed off: it is an archived record and takes no more changes. */
export class FrozenRunError extends Error {
	constructor(run: Run) {
		super(`run ${run.id} was signed off by ${run.signedOffBy} at ${run.signedOffAt} and can no longer change`);
		this.name = 'FrozenRunError';
	}
}

/** Sign-off refused: checks of the run are still running, and a signed-off run takes no more results. */
export class ChecksInFlightError extends Error {
	readonly running: StoredResult[];
	constructor(run: Run, running: StoredResult[]) {
		const names = [...new Set(running.map((r) => r.checkId))].map((id) => {
			const regions = running.filter((r) => r.checkId === id && r.region).map((r) => r.region);
			return regions.length ? `${id} (${regions.join(', ')})` : id;
		});
		super(`run ${run.id} cannot be signed off while checks are running: ${names.join(', ')}. Sign off once they have finished (a signed-off run takes no more results).`);
		this.name = 'ChecksInFlightError';
		this.running = running;
	}
}

/**
 * The data directory stopped taking writes (disk full, made read-only): what is stored stays,
 * the change is refused with the reason, and the server keeps answering reads.
 */
export class StoreWriteError extends Error {
	readonly reason: 'full' | 'read-only' | 'io';
	constructor(file: string, reason: StoreWriteError['reason']) {
		const what = { full: 'the disk is full', 'read-only': 'it has become read-only', io: 'the disk reported an I/O error' }[reason];
		super(`cannot write to ${file}: ${what}. Nothing already stored was lost; free space or fix the data directory, then try again.`);
		this.name = 'StoreWriteError';
		this.reason = reason;
	}
}

/** SQLite's primary result codes for a data directory that cannot take writes. */
export function writeFailure(err: unknown): StoreWriteError['reason'] | null {
	const code = (err as { errcode?: number }).errcode;
	if (typeof code !== 'number') return null;
	const primary = code & 0xff;
	return primary === 13 ? 'full' : primary === 8 ? 'read-only' : primary === 10 ? 'io' : null;
}

/**
 * Postgres's SQLSTATEs for a server that cannot take writes: disk_full (53100), a read-only
 * transaction (25006: a standby, or default_transaction_read_only) and I/O errors (58030).
 */
export function postgresWriteFailure(err: unknown): StoreWriteError['reason'] | null {
	const code = (err as { code?: unknown }).code;
	return code === '53100' ? 'full' : code === '25006' ? 'read-only' : code === '58030' ? 'io' : null;
}

export class NotFoundError extends Error {
	constructor(what: string) {
		super(`${what} not found`);
		this.name = 'NotFoundError';
	}
}

/** The data directory (or the Postgres database) cannot be used; says which and why, so the operator can fix it. */
export class StoreUnavailableError extends Error {
	constructor(dir: string, reason: string, postgres = false) {
		super(
			postgres
				? `the Postgres database ${dir} cannot be used: ${reason} (check HANDBOOK_DATABASE_URL and that the server is up)`
				: `the data directory ${dir} cannot be used: ${reason} (set HANDBOOK_DATA_DIR to a writable directory)`,
		);
		this.name = 'StoreUnavailableError';
	}
}
