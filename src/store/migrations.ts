/**
 * Versioned schema migrations, applied in order inside one transaction each. Never edit a
 * released migration: add the next one.
 */
export const migrations: readonly string[] = [
	// 1: runs, results, ticks, fields, audit, sessions, settings
	`
	CREATE TABLE runs (
		id TEXT PRIMARY KEY,
		checklist TEXT NOT NULL,
		environment TEXT NOT NULL,
		workshop TEXT,
		scenario TEXT,
		page_revision TEXT,
		created_at TEXT NOT NULL,
		created_by TEXT NOT NULL,
		decision TEXT CHECK (decision IN ('go', 'no-go')),
		decision_note TEXT,
		decided_by TEXT,
		decided_at TEXT,
		signed_off_by TEXT,
		signed_off_at TEXT
	);
	CREATE INDEX runs_by_checklist ON runs (checklist, environment, created_at);
	CREATE TABLE results (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		run_id TEXT REFERENCES runs (id),
		check_id TEXT NOT NULL,
		environment TEXT NOT NULL,
		region TEXT,
		state TEXT NOT NULL CHECK (state IN ('running', 'done', 'interrupted')),
		status TEXT CHECK (status IN ('pass', 'warn', 'fail', 'error', 'skipped')),
		message TEXT,
		observed TEXT,
		duration_ms INTEGER,
		started_at TEXT NOT NULL,
		finished_at TEXT,
		page_revision TEXT,
		requested_by TEXT NOT NULL
	);
	CREATE INDEX results_by_run ON results (run_id, check_id, region, id);
	CREATE INDEX results_by_check ON results (environment, check_id, region, id);
	CREATE INDEX results_running ON results (state) WHERE state = 'running';
	CREATE TABLE ticks (
		run_id TEXT NOT NULL REFERENCES runs (id),
		item_id TEXT NOT NULL,
		checked INTEGER NOT NULL,
		by TEXT NOT NULL,
		at TEXT NOT NULL,
		PRIMARY KEY (run_id, item_id)
	);
	CREATE TABLE fields (
		run_id TEXT NOT NULL REFERENCES runs (id),
		name TEXT NOT NULL,
		value TEXT NOT NULL,
		by TEXT NOT NULL,
		at TEXT NOT NULL,
		PRIMARY KEY (run_id, name)
	);
	CREATE TABLE audit (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		at TEXT NOT NULL,
		actor TEXT NOT NULL,
		action TEXT NOT NULL,
		run_id TEXT,
		target TEXT,
		detail TEXT,
		page_revision TEXT
	);
	CREATE INDEX audit_by_run ON audit (run_id, id);
	CREATE TABLE sessions (
		token_hash TEXT PRIMARY KEY,
		name TEXT NOT NULL,
		created_at TEXT NOT NULL,
		expires_at TEXT NOT NULL
	);
	CREATE TABLE settings (
		key TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);
	`,
	// 2: sessions end after a time without use (idle expiry), besides their absolute expiry
	`
	ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
	UPDATE sessions SET last_seen_at = created_at;
	`,
];
