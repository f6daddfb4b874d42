import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Whether this process may mount a tmpfs (root): the full-disk and read-only fault tests need a
 * real small filesystem as the data directory, and are skipped with that reason elsewhere.
 */
export const canMountTmpfs: boolean = (() => {
	try {
		const probe = mkdtempSync(join(tmpdir(), 'handbook-mount-probe-'));
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
		execFileSync('umount', [probe], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
})();
