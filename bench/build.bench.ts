#!/usr/bin/env node
// The whole site's build time next to the same pages built with our remark plugin and components
// switched off (HANDBOOK_BUILD_PLAIN=1), measured alternately in one run (best of N each, after a
// warm-up of each), into separate output directories. Goal: full / plain ≤ 1.25.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BUILD_RUNS ?? 2);
const astro = join(root, 'node_modules/astro/bin/astro.mjs');

function build(plain: boolean): number {
	// Inside the project: the prerender step imports its chunks, which resolve node_modules from there.
	mkdirSync(join(root, '.bench-dist'), { recursive: true });
	const outDir = mkdtempSync(join(root, '.bench-dist', `${plain ? 'plain' : 'full'}-`));
	const started = performance.now();
	const r = spawnSync(process.execPath, [astro, 'build', '--outDir', outDir], {
		cwd: root,
		env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', HANDBOOK_BUILD_PLAIN: plain ? '1' : '' },
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	const ms = performance.now() - started;
	rmSync(outDir, { recursive: true, force: true });
	if (r.status !== 0) throw new Error(`${plain ? 'plain' : 'full'} build failed: ${String(r.stderr).slice(-2000)}`);
	return ms;
}

build(false);
build(true);
const full: number[] = [];
const bare: number[] = [];
for (let i = 0; i < runs; i++) {
	full.push(build(false));
	bare.push(build(true));
}
const best = (xs: number[]) => Math.min(...xs);
const ratio = best(full) / best(bare);
console.log(`${ratio <= 1.25 ? 'ok  ' : 'MISS'}  site build, full / plugin and components off: ${ratio.toFixed(2)} (${(best(full) / 1000).toFixed(1)} s / ${(best(bare) / 1000).toFixed(1)} s, best of ${runs}; goal ≤ 1.25)`);
