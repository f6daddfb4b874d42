import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { ImportError, importMarkdown, importSlug, type ImportKind, type ImportReport } from '../checklists/import.ts';
import { ParseError } from '../checklists/parse.ts';
import { defaults, relativePath } from './checklists.ts';
import { UsageError } from './usage-error.ts';

const kinds = ['checklist', 'runbook'] as const;

/** The check catalogue for suggested bindings: from the config, or none with --no-config. */
async function loadCatalogue(explicit: string | undefined, noConfig: boolean, err: (s: string) => void): Promise<Array<{ id: string; title: string }>> {
	if (noConfig) return [];
	const [{ kinds: checkKinds }, { loadConfig, ConfigError }] = await Promise.all([import('../checks/kinds/index.ts'), import('../checks/load-config.ts')]);
	try {
		const config = await loadConfig(checkKinds, explicit);
		return [...config.checks.values()].map((c) => ({ id: c.id, title: c.title }));
	} catch (e) {
		if (!(e instanceof ConfigError) || explicit) throw e;
		err(`handbook: no check catalogue (${e.message.split('\n')[0]}): no bindings suggested`);
		return [];
	}
}

/** The report of one imported file, as text for a person. */
export function formatImportReport(report: ImportReport, outDir: string): string {
	const lines: string[] = [`${relativePath(report.file)} → ${report.kind}`];
	for (const page of report.pages) {
		lines.push(`  wrote ${relativePath(join(outDir, page.file))} (${page.kind}, ${page.items.length} item${page.items.length === 1 ? '' : 's'})`);
		if (page.missing.length) lines.push(`    missing in the source: ${page.missing.join(', ')} (a note on the page says so)`);
	}
	if (report.fields.length) {
		lines.push(`  ${report.fields.length} blank${report.fields.length === 1 ? '' : 's'} made <Field>s:`);
		for (const f of report.fields) lines.push(`    line ${f.line}: <Field name="${f.name}" type="${f.type}"${f.unit ? ` unit="${f.unit}"` : ''} /> "${f.label}"`);
	}
	for (const c of report.commands) lines.push(`  line ${c.line}: ${c.moved ? 'moved into a ```sh block' : `left inline (${c.why})`}: ${c.command}`);
	for (const l of report.links) lines.push(`  line ${l.line}: link ${l.url} → ${l.now}`);
	for (const n of report.notes) lines.push(`  note: ${n}`);
	if (report.suggestions.length) {
		lines.push('  suggested <Check> bindings (not applied: add them to the items you agree with):');
		for (const s of report.suggestions) lines.push(`    "${s.item.text.slice(0, 60)}" (${s.item.id}) → <Check id="${s.checkId}" /> "${s.checkTitle}" (${Math.round(s.score * 100)}% of words shared)`);
	} else lines.push('  no <Check> binding to suggest');
	return lines.join('\n');
}

/**
 * `handbook import <file.md>... [--out DIR] [--kind checklist|runbook]`: writes handbook pages
 * (MDX) for plain Markdown checklists and runbooks, and prints what it did and what to look at.
 * Exit 0 when every file was imported, 3 when one could not be (the others are written), 2 on
 * usage errors (an existing page is only replaced with --force).
 */
export async function importPages(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		options: {
			out: { type: 'string', default: join(defaults.docs, 'imported') },
			kind: { type: 'string' },
			config: { type: 'string' },
			'no-config': { type: 'boolean', default: false },
			force: { type: 'boolean', default: false },
		},
		allowPositionals: true,
	});
	if (!positionals.length) throw new UsageError('name the Markdown files to import, e.g. `handbook import docs/RUNBOOK.md`');
	if (values.kind !== undefined && !kinds.includes(values.kind as ImportKind)) throw new UsageError(`--kind is checklist or runbook, not "${values.kind}"`);
	const files = positionals.map((p) => {
		const abs = resolve(p);
		if (!existsSync(abs)) throw new UsageError(`no such file: ${p}`);
		if (!/\.md$/i.test(abs)) throw new UsageError(`${p} is not a Markdown (.md) file`);
		return abs;
	});
	const outDir = resolve(values.out);
	const docs = resolve(defaults.docs);
	const inDocs = outDir === docs || outDir.startsWith(`${docs}${sep}`);
	const siteBase = inDocs ? `/${relative(docs, outDir).split(sep).join('/')}${outDir === docs ? '' : '/'}` : null;
	const catalogue = await loadCatalogue(values.config, values['no-config'], err);

	// Every file's page name (two files with one title get -2, -3…), so links between imported
	// files point at their pages.
	const taken = new Map<string, number>();
	const slugs = new Map(
		files.map((f) => {
			const base = importSlug(readFileSync(f, 'utf8'), f);
			const n = (taken.get(base) ?? 0) + 1;
			taken.set(base, n);
			return [f, n === 1 ? base : `${base}-${n}`];
		}),
	);
	const linkTargets = new Map([...slugs].map(([f, slug]) => [f, siteBase ? `${siteBase}${slug}/` : `./${slug}/`]));

	let failed = false;
	const reports: ImportReport[] = [];
	for (const file of files) {
		try {
			reports.push(importMarkdown(readFileSync(file, 'utf8'), file, { kind: values.kind as ImportKind | undefined, siteBase, linkTargets, checks: catalogue, slug: slugs.get(file)! }));
		} catch (e) {
			if (!(e instanceof ImportError || e instanceof ParseError)) throw e;
			err(`handbook: ${e.message}`);
			failed = true;
		}
	}
	const targets = reports.flatMap((r) => r.pages.map((p) => join(outDir, p.file)));
	const existing = targets.filter((t) => existsSync(t));
	if (existing.length && !values.force) throw new UsageError(`would replace ${existing.map((t) => relativePath(t)).join(', ')}: pass --force to replace them`);
	for (const report of reports) {
		for (const page of report.pages) {
			const target = join(outDir, page.file);
			mkdirSync(dirname(target), { recursive: true });
			writeFileSync(target, page.source);
		}
		out(formatImportReport(report, outDir));
	}
	return failed ? 3 : 0;
}
