import { randomBytes } from 'node:crypto';
import { num, text as str, type SqlRow as Row } from './sql.ts';

/**
 * The workshop loop's tables in the handbook's store (migration 2): the room code, help
 * requests, feedback, incidents with their updates, and a change feed per workshop. Every write
 * is one transaction that also appends to `workshop_events`, the feed live boards follow (so a
 * write from the CLI or another process reaches them too), and to the audit log.
 */

export const severities = ['P0', 'P1', 'P2', 'P3'] as const;
export type Severity = (typeof severities)[number];
export const incidentStatuses = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

export interface WorkshopCode {
	workshop: string;
	code: string;
	openedAt: string;
	openedBy: string;
	closesAt: string;
	closedAt: string | null;
	closedBy: string | null;
}

export interface HelpRequest {
	id: string;
	workshop: string;
	github: string;
	workspace: string;
	region: string;
	description: string;
	error: string | null;
	createdAt: string;
	claimedBy: string | null;
	claimedAt: string | null;
	resolvedBy: string | null;
	resolvedAt: string | null;
	resolution: string | null;
	followUp: boolean;
	state: 'open' | 'claimed' | 'resolved';
}

export interface FeedbackResponse {
	id: number;
	workshop: string;
	satisfaction: number;
	subScores: { stability: number | null; content: number | null; support: number | null };
	completed: boolean;
	worked: string | null;
	blocked: string | null;
	github: string | null;
	createdAt: string;
}

export interface IncidentUpdate {
	id: number;
	at: string;
	by: string;
	status: IncidentStatus | 'note';
	note: string | null;
	/** The participant message sent with this update, as sent. */
	message: string | null;
}

export interface Incident {
	id: string;
	workshop: string;
	severity: Severity;
	title: string;
	runbook: string | null;
	commander: string | null;
	runId: string | null;
	userVisible: boolean;
	status: IncidentStatus;
	declaredAt: string;
	declaredBy: string;
	resolvedAt: string | null;
	resolvedBy: string | null;
	followUp: boolean;
	/** Declared to resolved, in minutes (one decimal); null while open. */
	durationMinutes: number | null;
	updates: IncidentUpdate[];
}

export interface WorkshopEvent {
	id: number;
	workshop: string;
	at: string;
	kind: string;
	target: string | null;
}

/** This browser already sent its feedback for the workshop; the first answer stays. */
export class DuplicateFeedbackError extends Error {
	constructor(workshop: string) {
		super(`feedback for ${workshop} was already sent from this browser; thank you, one answer per person is kept`);
		this.name = 'DuplicateFeedbackError';
	}
}

/** A change that the record's state does not allow (claiming a resolved request, updating a resolved incident). */
export class StateError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'StateError';
	}
}

export const newId = () => randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
export const minutesBetween = (a: string, b: string) => Math.round(((Date.parse(b) - Date.parse(a)) / 60_000) * 10) / 10;

export const toCode = (r: Row): WorkshopCode => ({
	workshop: r.workshop as string,
	code: r.code as string,
	openedAt: r.opened_at as string,
	openedBy: r.opened_by as string,
	closesAt: r.closes_at as string,
	closedAt: str(r.closed_at),
	closedBy: str(r.closed_by),
});

export const toHelp = (r: Row): HelpRequest => ({
	id: r.id as string,
	workshop: r.workshop as string,
	github: r.github as string,
	workspace: r.workspace as string,
	region: r.region as string,
	description: r.description as string,
	error: str(r.error),
	createdAt: r.created_at as string,
	claimedBy: str(r.claimed_by),
	claimedAt: str(r.claimed_at),
	resolvedBy: str(r.resolved_by),
	resolvedAt: str(r.resolved_at),
	resolution: str(r.resolution),
	followUp: num(r.follow_up) === 1,
	state: r.resolved_at ? 'resolved' : r.claimed_at ? 'claimed' : 'open',
});

export const toFeedback = (r: Row): FeedbackResponse => ({
	id: Number(r.id),
	workshop: r.workshop as string,
	satisfaction: Number(r.satisfaction),
	subScores: {
		stability: r.stability === null ? null : Number(r.stability),
		content: r.content === null ? null : Number(r.content),
		support: r.support === null ? null : Number(r.support),
	},
	completed: num(r.completed) === 1,
	worked: str(r.worked),
	blocked: str(r.blocked),
	github: str(r.github),
	createdAt: r.created_at as string,
});

export const toUpdate = (r: Row): IncidentUpdate => ({
	id: Number(r.id),
	at: r.at as string,
	by: r.by as string,
	status: r.status as IncidentUpdate['status'],
	note: str(r.note),
	message: str(r.message),
});

