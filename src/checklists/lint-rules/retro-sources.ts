import { retroSources, type RetroSourceChecklist } from '../../records/retro-sources.ts';
import type { LintRule } from './rule.ts';

/**
 * CK013: a checklist page that `handbook retro new` reads (src/records/retro-sources.ts) still has
 * every field it reads a value from and binds every check it reads an observed value from.
 */
export const retroSourcesRule: LintRule = {
	id: 'CK013',
	name: 'retro-sources',
	severity: 'error',
	description: 'The checklist pages `handbook retro new` reads keep the <Field> names and <Check> ids it reads (src/records/retro-sources.ts).',
	trigger: /^checklist:/m,
	page({ frontmatter, frontmatterAt, checklist }, report) {
		const id = (frontmatter.checklist as { id?: unknown } | undefined)?.id;
		if (typeof id !== 'string' || !Object.hasOwn(retroSources, id)) return;
		const wanted = retroSources[id as RetroSourceChecklist];
		const fields = new Set([...checklist.items.flatMap((i) => i.fields), ...checklist.looseFields].map((f) => f.name));
		const checks = new Set(checklist.items.map((i) => i.checkId));
		const at = frontmatterAt(['checklist', 'id']);
		for (const name of wanted.fields) if (!fields.has(name)) report(at, `\`handbook retro new\` reads the field "${name}" from ${id} runs, but this page has no <Field name="${name}">: restore it, or change src/records/retro-sources.ts and the scaffold`);
		for (const check of wanted.checks) if (!checks.has(check)) report(at, `\`handbook retro new\` reads the observed values of "${check}" from ${id} runs, but no item of this page binds it: restore <Check id="${check}" />, or change src/records/retro-sources.ts and the scaffold`);
	},
};
