import { z } from 'zod';

/**
 * The `lint:` frontmatter of a docs page: rules disabled on that page, each with its reason.
 * The build refuses a disable without a reason; `handbook checklists lint` reports it too (LN001).
 *
 * @example
 * // lint:
 * //   disable:
 * //     - { rule: CT002, reason: "The page teaches the CLI: its one-line commands are the subject." }
 */
export const lintFrontmatterSchema = z.strictObject({
	disable: z
		.array(
			z.strictObject({
				rule: z.string().regex(/^[A-Z]{2}\d{3}$|^[a-z]+(-[a-z]+)*$/, { error: 'a rule id such as "CT002" (or its name, "command-outside-code")' }),
				reason: z.string().trim().min(1, { error: 'say why the rule does not apply to this page' }),
			}),
		)
		.default([]),
});
