import { z } from 'zod';
import { endpoint, json, readJson, requireFacilitator } from '../../../../server/http.ts';

export const prerender = false;

/** Signs the run off: records who and when, and freezes it as the archived record. */
export const POST = endpoint(async (app, context) => {
	const actor = await requireFacilitator(app, context);
	await readJson(context.request, z.strictObject({}));
	return json({ run: await app.service.signOff(context.params.id!, actor) });
});
