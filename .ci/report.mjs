// Prints the closing totals of the vitest run, and every skipped test by name. CI runs on a
// machine that can run every test (root, Chromium, the Debian servers): a skipped test there
// hides a broken precondition, so it fails the run.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const report = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
const skipped = [];
for (const file of report.testResults ?? []) {
	for (const test of file.assertionResults ?? []) {
		if (['skipped', 'pending', 'todo'].includes(test.status)) skipped.push(`${relative(process.cwd(), file.name)} > ${test.fullName}`);
	}
}
for (const name of skipped) console.log(`skipped: ${name}`);
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped.length} skipped`);
if (skipped.length > 0) {
	console.error(`ci: ${skipped.length} test(s) skipped on a machine that can run them all: fix their precondition`);
	process.exit(1);
}
