#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts in turn (each in its own process, so one cannot
// skew another's memory or timers) and prints their figures as one table at the end.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
	.filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
	.sort();
const rows: string[] = [];
let failed = false;
for (const file of files) {
	process.stderr.write(`\n== ${file}\n`);
	const lines = await new Promise<string[]>((resolve) => {
		const child = spawn(process.execPath, [fileURLToPath(new URL(file, import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';
		child.stdout.on('data', (d) => {
			out += d;
			process.stderr.write(d);
		});
		child.on('exit', (code) => {
			if (code !== 0) {
				failed = true;
				rows.push(`FAIL  ${file} exited with ${code}`);
			}
			resolve(out.split('\n').filter((l) => /^(ok|MISS)\s/.test(l)));
		});
	});
	rows.push(...lines.map((l) => `${l}   [${file}]`));
}
console.log(`\nBenchmarks (${files.length} files; ratios and counts measured side by side in this run):\n`);
for (const r of rows) console.log(r);
process.exit(failed ? 1 : 0);
