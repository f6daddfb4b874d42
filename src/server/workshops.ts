import { randomInt, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { summarizeWorkshop, type WorkshopSummary } from '../records/workshop-summary.ts';
import { sha256, type Store } from '../store/store.ts';
import {
	DuplicateFeedbackError,
	incidentStatuses,
	severities,
	StateError,
	WorkshopStore,
	type HelpRequest,
	type Incident,
	type IncidentStatus,
	type WorkshopCode,
	type WorkshopEvent,
} from '../store/workshop-store.ts';

export { WorkshopFeed, type WorkshopFeedEvent } from './workshop-feed.ts';
import { RateLimiter } from './rate-limit.ts';
import { WorkshopFeed } from './workshop-feed.ts';
import { RequestError } from './request-error.ts';

/**
 * The workshop loop behind the endpoints: the room code participants write with, help
 * requests, feedback, the incident log, the summary and the live feed of a workshop. Validation
 * lives here (sizes → 413, values → 400, each naming the field; a wrong or expired code → 403 in
 * words a participant understands), so the endpoints stay thin shells.
 */

export const workshopKey = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'expected the workshop month, e.g. "2026-12"' });

/** Longest accepted text per field; a longer one is refused with 413 naming the field. */
export const fieldLimits: Record<string, number> = {
	code: 32,
	github: 39,
	workspace: 64,
	region: 40,
	description: 2000,
	error: 4000,
	worked: 2000,
	blocked: 2000,
	title: 200,
	commander: 80,
	runbook: 120,
	run: 40,
	note: 2000,
	message: 2000,
	resolution: 2000,
};

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) =>
	z
		.string()
		.trim()
		.max(max)
		.nullish()
		.transform((v) => (v ? v : null));
const github = z
	.string()
	.trim()
	.regex(/^@?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, { error: 'expected a GitHub handle: letters, digits and hyphens' })
	.transform((v) => v.replace(/^@/, ''));
const score = (what: string) => z.number({ error: `${what} is a whole number from 1 to 5` }).int({ error: `${what} is a whole number from 1 to 5` }).min(1, { error: `${what} is a whole number from 1 to 5` }).max(5, { error: `${what} is a whole number from 1 to 5` });

export const helpInput = z.strictObject({
	workshop: workshopKey,
	code: text(fieldLimits.code!).min(1, { error: 'type the workshop code shown in the room' }),
	github,
	workspace: text(fieldLimits.workspace!).min(1, { error: 'name the workspace you are using' }),
	region: text(fieldLimits.region!).min(1, { error: 'pick the region your workspace runs in' }),
	description: text(fieldLimits.description!).min(1, { error: 'say what you see' }),
	error: optionalText(fieldLimits.error!),
});

export const feedbackInput = z.strictObject({
	workshop: workshopKey,
	code: text(fieldLimits.code!).min(1, { error: 'type the workshop code shown in the room' }),
	satisfaction: score('satisfaction'),
	completed: z.boolean({ error: 'completed is true or false' }),
	subScores: z
		.strictObject({ stability: score('subScores.stability').nullish(), content: score('subScores.content').nullish(), support: score('subScores.support').nullish() })
		.nullish(),
	worked: optionalText(fieldLimits.worked!),
	blocked: optionalText(fieldLimits.blocked!),
	github: github.nullish().or(z.literal('').transform(() => null)),
});

export const openInput = z.strictObject({ minutes: z.number().int().min(5, { error: 'minutes: at least 5' }).max(24 * 60, { error: 'minutes: at most 1440 (a day)' }).optional() }).nullable();

export const incidentInput = z
	.strictObject({
		workshop: workshopKey,
		severity: z.enum(severities, { error: 'severity is P0, P1, P2 or P3 (see /incidents/#severities)' }),
		title: text(fieldLimits.title!).min(1, { error: 'give the incident a title' }),
		runbook: z
			.string()
			.regex(/^\/incidents\/[a-z0-9-]+\/$/, { error: 'expected a runbook page such as /incidents/image-pull-failure/' })
			.nullish()
			.transform((v) => v ?? null),
		commander: optionalText(fieldLimits.commander!),
		run: z
			.string()
			.regex(/^[A-Za-z0-9]{1,40}$/, { error: 'expected a run id' })
			.nullish()
			.transform((v) => v ?? null),
		userVisible: z.boolean().optional(),
		note: optionalText(fieldLimits.note!),
	})
	.superRefine((v, ctx) => {
		if ((v.severity === 'P0' || v.severity === 'P1') && !v.commander) ctx.addIssue({ code: 'custom', path: ['commander'], message: `an incident commander is required for ${v.severity}` });
	});

export const updateInput = z.strictObject({
	status: z.enum([...incidentStatuses, 'note'], { error: 'status is investigating, identified, monitoring, resolved or note' }),
	note: optionalText(fieldLimits.note!),
	message: optionalText(fieldLimits.message!),
});

export const resolveInput = z.strictObject({ note: optionalText(fieldLimits.note!), message: optionalText(fieldLimits.message!), followUp: z.boolean().optional() }).nullable();

export const helpActionInput = z.strictObject({ action: z.enum(['claim', 'resolve'], { error: 'action is claim or resolve' }), resolution: optionalText(fieldLimits.resolution!), followUp: z.boolean().optional() });

/**
 * Validates parsed JSON: a text field over its limit is 413 naming it, anything else wrong 400
 * naming each field, as `readJson` does.
 */
export function validateBody<T>(data: unknown, schema: z.ZodType<T>): T {
	if (data && typeof data === 'object') {
		for (const [k, v] of Object.entries(data)) {
			if (typeof v === 'string' && fieldLimits[k] !== undefined && v.length > fieldLimits[k]!) {
				throw new RequestError(413, `${k} is too long: at most ${fieldLimits[k]} characters (got ${v.length})`);
			}
		}
	}
	const parsed = schema.safeParse(data);
	if (!parsed.success) throw new RequestError(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
	return parsed.data;
}

const codeAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const normalizeCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

/** A short code without look-alike characters (no 0/O, 1/I), easy to read off a screen. */
export function newWorkshopCode(length = 6): string {
	let code = '';
	for (let i = 0; i < length; i++) code += codeAlphabet[randomInt(codeAlphabet.length)];
	return code;
}

/** One entry of an incident's timeline: typed notes and updates merged with the linked run's results and ticks. */
export interface TimelineEntry {
	at: string;
	kind: 'update' | 'note' | 'check' | 'tick';
	by: string;
	text: string;
	status?: string;
	message?: string | null;
}

export interface ParticipantLimits {
	/** Per browser (the participant cookie). */
	perClient: { burst: number; perMinute: number };
	/** Per address: a whole room may share one NAT address, so this one is wide. */
	perAddress: { burst: number; perMinute: number };
}

export class WorkshopService {
	readonly records: WorkshopStore;
	readonly feed: WorkshopFeed;
	#store: Store;
	#now: () => Date;
	#perClient: RateLimiter;
	#perAddress: RateLimiter;

	constructor(store: Store, options: { now?: () => Date; limits?: ParticipantLimits } = {}) {
		this.#store = store;
		this.#now = options.now ?? (() => new Date());
		this.records = new WorkshopStore(store, { now: this.#now });
		const limits = options.limits ?? { perClient: { burst: 10, perMinute: 10 }, perAddress: { burst: 400, perMinute: 600 } };
		// Several instances on one Postgres: a participant spends from one budget whichever one it reaches.
		const shared = store.backend === 'postgres' ? store.rateBuckets : undefined;
		this.#perClient = new RateLimiter({ ...limits.perClient, now: () => this.#now().getTime(), shared });
		this.#perAddress = new RateLimiter({ ...limits.perAddress, now: () => this.#now().getTime(), shared });
		this.feed = new WorkshopFeed(this.records, (e) => this.eventData(e));
	}

	// --- the code ---

	/** Opens or reissues the code of a workshop; it closes after `minutes` (default 4 hours). */
	async open(workshop: string, actor: string, minutes = 240): Promise<{ code: string; closesAt: string }> {
		const closesAt = new Date(this.#now().getTime() + minutes * 60_000);
		const c = await this.records.openCode(workshop, newWorkshopCode(), closesAt, actor);
		this.feed.notify(workshop);
		return { code: c.code, closesAt: c.closesAt };
	}

	async close(workshop: string, actor: string): Promise<WorkshopCode> {
		const c = await this.records.closeCode(workshop, actor);
		this.feed.notify(workshop);
		return c;
	}

	/** The code state for facilitators: the code, when it closes, whether it is open now. */
	async codeState(workshop: string): Promise<(WorkshopCode & { open: boolean }) | null> {
		const c = await this.records.code(workshop);
		return c ? { ...c, open: this.#isOpen(c) } : null;
	}

	#isOpen(c: WorkshopCode): boolean {
		return !c.closedAt && Date.parse(c.closesAt) > this.#now().getTime();
	}

	/** Refuses a participant write without the workshop's open code (403, in the participant's words). */
	async requireCode(workshop: string, code: string): Promise<void> {
		const c = await this.records.code(workshop);
		const given = Buffer.from(sha256(normalizeCode(code)));
		const right = c ? timingSafeEqual(given, Buffer.from(sha256(c.code))) : false;
		if (!c || !right) throw new RequestError(403, 'That workshop code is not right. Check the code shown in the room and type it again.');
		if (!this.#isOpen(c)) throw new RequestError(403, 'This workshop code is no longer open: it expired or a facilitator closed it. Ask a facilitator in the room for the current code.');
	}

	/** Takes one participant write from the client's budgets, or throws 429 with Retry-After. */
	async limit(clientKey: string, address: string): Promise<void> {
		const wait = Math.max(await this.#perAddress.take(`addr:${address}`), await this.#perClient.take(`client:${clientKey}`));
		if (wait) throw new RequestError(429, `you are sending too fast; wait ${wait} s and try again`, { retryAfter: wait });
	}

	// --- help ---

	/** A participant's help request; the secret lets only that browser read its state. */
	async requestHelp(input: z.output<typeof helpInput>): Promise<{ id: string; secret: string }> {
		await this.requireCode(input.workshop, input.code);
		const secret = randomBytes(18).toString('base64url');
		const h = await this.records.createHelp({ ...input, error: input.error ?? null, secretHash: sha256(secret) });
		this.feed.notify(input.workshop);
		return { id: h.id, secret };
	}

	/** What the participant who asked may see: the state and its times, nothing else. */
	async ownHelpState(id: string, secret: string): Promise<Pick<HelpRequest, 'id' | 'state' | 'createdAt' | 'claimedAt' | 'resolvedAt'>> {
		const hash = await this.records.helpSecretHash(id);
		// One answer for "no such request" and "not yours": ids reveal nothing.
		if (!hash || !secret || !timingSafeEqual(Buffer.from(sha256(secret)), Buffer.from(hash))) throw new RequestError(404, 'no help request of yours with that id');
		const h = await this.records.help(id);
		return { id: h.id, state: h.state, createdAt: h.createdAt, claimedAt: h.claimedAt, resolvedAt: h.resolvedAt };
	}

	async actOnHelp(id: string, input: z.output<typeof helpActionInput>, actor: string): Promise<HelpRequest> {
		const h = await conflicts(() => (input.action === 'claim' ? this.records.claimHelp(id, actor) : this.records.resolveHelp(id, actor, { resolution: input.resolution, followUp: input.followUp ?? false })));
		this.feed.notify(h.workshop);
		return h;
	}

	// --- feedback ---

	async sendFeedback(input: z.output<typeof feedbackInput>, browserKey: string): Promise<{ id: number }> {
		await this.requireCode(input.workshop, input.code);
		const f = await conflicts(() => this.records.addFeedback({
			workshop: input.workshop,
			browserHash: sha256(browserKey),
			satisfaction: input.satisfaction,
			subScores: { stability: input.subScores?.stability ?? null, content: input.subScores?.content ?? null, support: input.subScores?.support ?? null },
			completed: input.completed,
			worked: input.worked,
			blocked: input.blocked,
			github: input.github ?? null,
		}));
		this.feed.notify(input.workshop);
		return { id: f.id };
	}

	// --- incidents ---

	async declare(input: z.output<typeof incidentInput>, actor: string): Promise<Incident> {
		if (input.run) {
			// A rehearsal's incidents are scripted: they must not count in the month's record.
			const run = await this.#store.run(input.run);
			if (run.scenario) throw new RequestError(409, `run ${run.id} is a rehearsal (scenario ${run.scenario}): the incident log records real incidents only`);
		}
		const inc = await this.records.createIncident({
			workshop: input.workshop,
			severity: input.severity,
			title: input.title,
			runbook: input.runbook,
			commander: input.commander,
			runId: input.run,
			// P3 is "no user impact" by the severity definitions; the rest are user-visible unless said otherwise.
			userVisible: input.userVisible ?? input.severity !== 'P3',
			note: input.note,
			actor,
		});
		this.feed.notify(inc.workshop);
		return inc;
	}

	async update(id: string, input: z.output<typeof updateInput>, actor: string): Promise<Incident> {
		const inc = await conflicts(() => this.records.addIncidentUpdate(id, { status: input.status as IncidentStatus | 'note', note: input.note, message: input.message, actor }));
		this.feed.notify(inc.workshop);
		return inc;
	}

	async resolve(id: string, input: z.output<typeof resolveInput>, actor: string): Promise<Incident> {
		const inc = await conflicts(() => this.records.resolveIncident(id, { note: input?.note ?? null, message: input?.message ?? null, followUp: input?.followUp ?? null, actor }));
		this.feed.notify(inc.workshop);
		return inc;
	}

	/** Typed updates and notes merged with the linked run's check results and ticks, oldest first. */
	async timeline(inc: Incident): Promise<TimelineEntry[]> {
		const entries: TimelineEntry[] = inc.updates.map((u) => ({
			at: u.at,
			kind: u.status === 'note' ? 'note' : 'update',
			by: u.by,
			status: u.status,
			text: u.note ?? u.status,
			message: u.message,
		}));
		if (inc.runId) {
			for (const r of await this.#store.runResults(inc.runId)) {
				entries.push({ at: r.finishedAt ?? r.startedAt, kind: 'check', by: r.requestedBy, status: r.status ?? r.state, text: `${r.checkId}${r.region ? ` [${r.region}]` : ''}: ${r.status ?? r.state}${r.message ? ` (${r.message})` : ''}` });
			}
			for (const a of await this.#store.auditLog({ runId: inc.runId, limit: 10_000 })) {
				if (a.action === 'item.tick' || a.action === 'item.untick') entries.push({ at: a.at, kind: 'tick', by: a.actor, text: `${a.action === 'item.tick' ? 'ticked' : 'unticked'} ${a.target}` });
			}
		}
		return entries.sort((a, b) => a.at.localeCompare(b.at));
	}

	// --- summary and feed ---

	async summary(workshop: string): Promise<WorkshopSummary> {
		return summarizeWorkshop(workshop, await this.records.feedback(workshop), await this.records.incidents(workshop), await this.records.helpRequests(workshop));
	}

	/** What a board receives with a change: the changed record, or the feedback counts. */
	async eventData(e: WorkshopEvent): Promise<unknown> {
		switch (e.kind) {
			case 'help':
				return { help: await this.records.help(e.target!) };
			case 'incident':
				return { incident: await this.records.incident(e.target!) };
			case 'feedback':
				return { feedback: (await this.summary(e.workshop)).feedback };
			case 'code':
				return { code: await this.codeState(e.workshop) };
			default:
				return null;
		}
	}

	/** Stops the live feed's timer. */
	stop(): void {
		this.feed.close();
	}
}

/** A refusal by the record's state (a second feedback, a resolved incident) as a 409 that says why. */
async function conflicts<T>(fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (err) {
		if (err instanceof DuplicateFeedbackError || err instanceof StateError) throw new RequestError(409, err.message);
		throw err;
	}
}
