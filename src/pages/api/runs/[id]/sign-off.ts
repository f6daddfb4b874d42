import { z } from 'zod';
import { approversNeeded, authorize } from '../../../../server/authorize.ts';
import { endpoint, json, readJson } from '../../../../server/http.ts';
import { RequestError } from '../../../../server/request-error.ts';
import { checklistGate } from '../../../../server/run-defaults.ts';
import { FrozenRunError } from '../../../../store/store.ts';

export const prerender = false;

/**
 * An approver signs the run off. A checklist may ask for more than one approver
 * (`checklist.approvers` in its frontmatter): each approval is recorded (202 while more are
 * needed, with who approved so far), and the last one records who and when and freezes the run
 * as the archived record.
 */
export const POST = endpoint(async (app, context) => {
	const person = await authorize(app, context, 'run.sign-off');
	await readJson(context.request, z.strictObject({}));
	const id = context.params.id!;
	const run = await app.store.run(id);
	if (run.signedOffAt) throw new FrozenRunError(run);
	// Only a gate checklist has a go / no-go to record first; the others just sign off.
	if (!run.decision && checklistGate(app.service.checklist(run.checklist))) throw new RequestError(409, 'record the go / no-go decision before signing off');
	const needed = approversNeeded(app, run.checklist);
	const people = app.auth.people;
	const before = await people.approvals(id);
	if (before.some((a) => a.subject === person.subject)) throw new RequestError(409, `you (${person.name}) have already approved this run; it needs ${needed} different approvers`);
	if (before.length + 1 < needed) {
		await people.approve(id, person);
		const approvals = (await people.approvals(id)).map(({ name, at }) => ({ name, at }));
		await app.store.transaction(() => app.store.audit(person.name, 'run.approve', run.decision, { approvals: approvals.length, needed }, id));
		app.events.notify(id);
		return json({ run, approvals, approversNeeded: needed }, 202);
	}
	// The last approval signs off: sign off first, so a refusal (checks still running, 409 naming
	// them) leaves no approval behind and the approver can simply try again.
	const signed = await app.service.signOff(id, person.name);
	await people.approve(id, person);
	return json({ run: signed, approvals: (await people.approvals(id)).map(({ name, at }) => ({ name, at })), approversNeeded: needed });
});
