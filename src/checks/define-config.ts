import type { HandbookConfigInput } from './config.ts';

/**
 * Types handbook.config.ts without loading the engine: the config file imports only this.
 *
 * @example
 * export default defineConfig({ defaultEnvironment: 'ai.coder.com', environments: {…}, checks: […] });
 */
export function defineConfig(config: HandbookConfigInput): HandbookConfigInput {
	return config;
}
