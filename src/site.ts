/** The handbook's public URL: Astro's `site`, and the base of the links the CLI writes (calendar events). */
export const HANDBOOK_SITE = 'https://handbook.ai.coder.com';
