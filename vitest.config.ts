import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		environment: 'node',
		include: ['test/**/*.test.ts'],
		// Site and e2e tests read the build in dist/: `npm test` builds before it runs vitest.
		globalSetup: ['test/support/require-build.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// The JSON report gives .ci/run its closing totals line.
		reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
	},
});
