import { z } from 'zod';
import { authorize, runWork } from '../../../../../server/authorize.ts';
import { endpoint, json, readJson } from '../../../../../server/http.ts';

export const prerender = false;

const change = z.union([
	z.strictObject({ checked: z.boolean() }),
	/** `expected`: the value the writer loaded ('' when empty); a mismatch answers 409 with the current value. */
	z.strictObject({ field: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/), value: z.string().max(2000), expected: z.string().max(2000).optional() }),
]);

/** Ticks or unticks an item, or records one of its fields (facilitators; on-call in a runbook's run). */
export const POST = endpoint(async (app, context) => {
	const { id, itemId } = context.params as { id: string; itemId: string };
	const actor = (await authorize(app, context, await runWork(app, id))).name;
	const body = await readJson(context.request, change);
	if ('checked' in body) return json({ tick: await app.service.tick(id, itemId, body.checked, actor) });
	const written = await app.service.setField(id, itemId, body.field, body.value, actor, body.expected);
	if ('conflict' in written) {
		const { value, by, at } = written.conflict;
		return json({ error: `${by} changed this value at ${at} since you loaded it; it now reads "${value}". Nothing was overwritten: check it and save again.`, current: written.conflict }, 409);
	}
	return json(written);
});
