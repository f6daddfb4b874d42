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
	// 2: the workshop loop: room codes, help requests, feedback, incidents and their updates, and
	// a change feed per workshop (so writes from another process reach open boards too)
	`
	CREATE TABLE workshop_codes (
		workshop TEXT PRIMARY KEY,
		code TEXT NOT NULL,
		opened_at TEXT NOT NULL,
		opened_by TEXT NOT NULL,
		closes_at TEXT NOT NULL,
		closed_at TEXT,
		closed_by TEXT
	);
	CREATE TABLE help_requests (
		id TEXT PRIMARY KEY,
		workshop TEXT NOT NULL,
		secret_hash TEXT NOT NULL,
		github TEXT NOT NULL,
		workspace TEXT NOT NULL,
		region TEXT NOT NULL,
		description TEXT NOT NULL,
		error TEXT,
		created_at TEXT NOT NULL,
		claimed_by TEXT,
		claimed_at TEXT,
		resolved_by TEXT,
		resolved_at TEXT,
		resolution TEXT,
		follow_up INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX help_by_workshop ON help_requests (workshop, created_at);
	CREATE TABLE feedback (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		workshop TEXT NOT NULL,
		browser_hash TEXT NOT NULL,
		satisfaction INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
		stability INTEGER CHECK (stability BETWEEN 1 AND 5),
		content INTEGER CHECK (content BETWEEN 1 AND 5),
		support INTEGER CHECK (support BETWEEN 1 AND 5),
		completed INTEGER NOT NULL,
		worked TEXT,
		blocked TEXT,
		github TEXT,
		created_at TEXT NOT NULL,
		UNIQUE (workshop, browser_hash)
	);
	CREATE TABLE incidents (
		id TEXT PRIMARY KEY,
		workshop TEXT NOT NULL,
		severity TEXT NOT NULL CHECK (severity IN ('P0', 'P1', 'P2', 'P3')),
		title TEXT NOT NULL,
		runbook TEXT,
		commander TEXT,
		run_id TEXT,
		user_visible INTEGER NOT NULL,
		status TEXT NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
		declared_at TEXT NOT NULL,
		declared_by TEXT NOT NULL,
		resolved_at TEXT,
		resolved_by TEXT,
		follow_up INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX incidents_by_workshop ON incidents (workshop, declared_at);
	CREATE TABLE incident_updates (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		incident_id TEXT NOT NULL REFERENCES incidents (id),
		at TEXT NOT NULL,
		by TEXT NOT NULL,
		status TEXT NOT NULL,
		note TEXT,
		message TEXT
	);
	CREATE INDEX incident_updates_by_incident ON incident_updates (incident_id, id);
	CREATE TABLE workshop_events (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		workshop TEXT NOT NULL,
		at TEXT NOT NULL,
		kind TEXT NOT NULL,
		target TEXT
	);
	CREATE INDEX workshop_events_by_workshop ON workshop_events (workshop, id);
	`,
	// 3: sessions end after a time without use (idle expiry), besides their absolute expiry
	`
	ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
	UPDATE sessions SET last_seen_at = created_at;
	`,
	// 4: named people (issue 14): who is invited with which roles, their one-time invite links,
	// the person behind each session and audit entry, and the approvers of a run's sign-off
	`
	CREATE TABLE people (
		subject TEXT PRIMARY KEY,
		name TEXT NOT NULL UNIQUE COLLATE NOCASE,
		roles TEXT NOT NULL,
		source TEXT NOT NULL,
		created_at TEXT NOT NULL,
		created_by TEXT NOT NULL
	);
	CREATE TABLE invites (
		token_hash TEXT PRIMARY KEY,
		subject TEXT NOT NULL REFERENCES people (subject),
		created_at TEXT NOT NULL,
		expires_at TEXT NOT NULL,
		used_at TEXT
	);
	CREATE TABLE approvals (
		run_id TEXT NOT NULL REFERENCES runs (id),
		subject TEXT NOT NULL,
		name TEXT NOT NULL,
		at TEXT NOT NULL,
		PRIMARY KEY (run_id, subject)
	);
	ALTER TABLE sessions ADD COLUMN subject TEXT;
	ALTER TABLE sessions ADD COLUMN roles TEXT;
	ALTER TABLE sessions ADD COLUMN via TEXT;
	ALTER TABLE audit ADD COLUMN subject TEXT;
	`,
	// 5: several instances on one store: each process's lease (until when, epoch ms), the owner of a
	// running result, one probe per check across instances, and rate-limit buckets they share
	`
	CREATE TABLE instances (
		id TEXT PRIMARY KEY,
		host TEXT NOT NULL,
		pid INTEGER NOT NULL,
		started_at TEXT NOT NULL,
		lease_until INTEGER NOT NULL
	);
	ALTER TABLE results ADD COLUMN owner TEXT;
	CREATE TABLE probe_flights (
		key TEXT PRIMARY KEY,
		owner TEXT NOT NULL,
		started_at INTEGER NOT NULL,
		finished_at INTEGER,
		expires_at INTEGER,
		results TEXT
	);
	CREATE TABLE rate_buckets (
		key TEXT PRIMARY KEY,
		tokens REAL NOT NULL,
		at INTEGER NOT NULL
	);
	`,
	// 6: the newest entry of a run among some actions (the last run-all start or end, read by every
	// view of a run) from an index, not a walk back through all of the run's entries
	`
	CREATE INDEX audit_by_run_action ON audit (run_id, action, id);
	`,
];
