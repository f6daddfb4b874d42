import { existsSync } from 'node:fs';
import { distClient, distServerEntry } from './site.ts';

/** Fails fast, with the fix, when the tests that read dist/ would run against no build. */
export default function requireBuild() {
	if (!existsSync(distServerEntry) || !existsSync(distClient)) {
		throw new Error('No build in dist/: run `npm run build` first (`npm test` does it for you).');
	}
}
