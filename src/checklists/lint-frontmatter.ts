import { z } from 'zod';

/** One entry of `lint.disable`: the rule (id or name) and why this page is an exception. */
export const lintDisableEntrySchema = z.strictObject(
	{
		rule: z.string({ error: 'name the rule: { rule: CT002, reason: "…" }' }).regex(/^[A-Z]{2}\d{3}$|^[a-z]+(-[a-z]+)*$/, { error: 'a rule id such as "CT002" (or its name, "command-outside-code")' }),
		reason: z.string({ error: 'say why the rule does not apply to this page: { rule: CT002, reason: "…" }' }).trim().min(1, { error: 'say why the rule does not apply to this page' }),
	},
	{ error: 'each entry is { rule: RULE-ID, reason: "why this page is an exception" }' },
);

/**
 * The `lint:` frontmatter of a docs page: rules disabled on that page, each with its reason.
 * The build refuses a disable without a reason; `handbook checklists lint` reports it too (LN001).
 *
 * @example
 * // lint:
 * //   disable:
 * //     - { rule: CT002, reason: "The page teaches the CLI: its one-line commands are the subject." }
 */
export const lintFrontmatterSchema = z.strictObject(
	{
		disable: z.array(lintDisableEntrySchema, { error: 'lint.disable is a list: [{ rule: RULE-ID, reason: "why this page is an exception" }]' }).default([]),
	},
	{ error: 'write `lint: { disable: [{ rule: RULE-ID, reason: "why this page is an exception" }] }`' },
);
