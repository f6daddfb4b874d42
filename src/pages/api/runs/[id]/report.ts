import { readerOf } from '../../../../server/authorize.ts';
import { endpoint } from '../../../../server/http.ts';

export const prerender = false;

/**
 * The after-action report of a rehearsal run, as Markdown to download or paste. Anonymous readers
 * get it without recorded field values and decision notes.
 */
export const GET = endpoint(async (app, context) => {
	const markdown = await app.service.report(context.params.id!, await readerOf(app, context));
	return new Response(app.engine.redactor.text(markdown), {
		headers: { 'content-type': 'text/markdown; charset=utf-8', 'cache-control': 'no-store', 'content-disposition': `inline; filename="after-action-${context.params.id}.md"` },
	});
});
