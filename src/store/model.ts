/** What the store keeps: runs, results, ticks, fields, the audit log. */
import type { Status } from '../checks/types.ts';

export interface Run {
	id: string;
	checklist: string;
	environment: string;
	workshop: string | null;
	scenario: string | null;
	pageRevision: string | null;
	createdAt: string;
	createdBy: string;
	decision: 'go' | 'no-go' | null;
	decisionNote: string | null;
	decidedBy: string | null;
	decidedAt: string | null;
	signedOffBy: string | null;
	signedOffAt: string | null;
}

export interface StoredResult {
	id: number;
	runId: string | null;
	checkId: string;
	environment: string;
	region: string | null;
	state: 'running' | 'done' | 'interrupted';
	status: Status | null;
	message: string | null;
	observed: Record<string, unknown>;
	durationMs: number | null;
	startedAt: string;
	finishedAt: string | null;
	pageRevision: string | null;
	requestedBy: string;
}

export interface Tick {
	itemId: string;
	checked: boolean;
	by: string;
	at: string;
}

export interface FieldValue {
	name: string;
	value: string;
	by: string;
	at: string;
}

export interface AuditEntry {
	id: number;
	at: string;
	actor: string;
	/** The stable subject of the person the actor names (null for the handbook's own entries). */
	subject: string | null;
	action: string;
	runId: string | null;
	target: string | null;
	detail: unknown;
	pageRevision: string | null;
}

/** A run with everything recorded in it: the latest result per check and region, ticks, fields. */
export interface RunRecord {
	run: Run;
	results: StoredResult[];
	ticks: Tick[];
	fields: FieldValue[];
	/** Highest audit id of the run: a client resumes live updates after it. */
	revision: number;
}
