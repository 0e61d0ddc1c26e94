// CLI: analyze (the main job: ingest, run every canned query, write the reports) and report (re-render a case).
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { safeText } from '../lib/output.js';
import { Store } from '../case/store.js';
import { SEVERITIES, severityRank } from '../case/finding.js';
import { loadQueries, resolveParams, runAll } from '../queries/runner.js';
import { buildReport, type CaseReport } from '../reports/model.js';
import { REPORT_FORMATS, writeReports } from '../reports/write.js';
import { EXIT, VERSION, addIngestOptions, collectParam, commandLine, ingestAndSummarize, progressReporter } from './common.js';

const FORMATS = Object.keys(REPORT_FORMATS);

/** --param query-id.key=value for analyze/report (per query); query takes plain key=value. */
function perQuery(params: Record<string, string>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const queries = loadQueries();
  const ids = new Set(queries.map((q) => q.id));
  for (const [k, v] of Object.entries(params)) {
    const dot = k.lastIndexOf('.');
    const id = k.slice(0, dot);
    if (dot <= 0 || !ids.has(id)) throw new Error(`--param ${k}: use <query-id>.<param>=<value> (see: clawtrail queries)`);
    (out[id] ??= {})[k.slice(dot + 1)] = v;
  }
  for (const q of queries) if (out[q.id]) resolveParams(q, out[q.id]);
  return out;
}

function parseFormats(v: string): string[] {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of list) if (!FORMATS.includes(f)) throw new Error(`unknown report format ${f} (known: ${FORMATS.join(', ')})`);
  return list;
}

export function checkSeverity(v: string): string {
  if (severityRank(v) < 0) throw new Error(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  return v;
}

function printVerdict(report: CaseReport, written: string[]): void {
  process.stdout.write(`\nVerdict (${report.verdict.status}): ${safeText(report.verdict.headline)}\n`);
  report.verdict.causes.slice(0, 3).forEach((f, i) => {
    process.stdout.write(`  ${i + 1}. [${f.severity}, ${f.confidence === null ? '?' : Math.round(f.confidence * 100) + '%'}] ${safeText(f.statement).slice(0, 300)}\n`);
  });
  process.stdout.write(`\nReports:\n${written.map((w) => `  ${w}`).join('\n')}\n`);
}

export function registerAnalysisCommands(program: Command): void {
  addIngestOptions(program.command('analyze')
    .description('ingest evidence, run every canned query, write the retrospective reports (the main job)')
    .argument('<paths...>', 'evidence files and folders (a collected bundle)')
    .option('--out <dir>', 'report folder (the case database goes there too)', 'clawtrail-report')
    .option('--db <file>', 'case database (default <out>/case.duckdb; ":memory:" allowed)')
    .option('--reports <list>', `report formats among ${FORMATS.join(',')}`, FORMATS.join(','))
    .option('--fail-on <severity>', 'exit 2 when a finding reaches this severity', 'high')
    .option('--param <query.k=v>', 'set a query parameter, e.g. incidents-and-hours.responders=3 (repeatable)', collectParam, {}))
    .addHelpText('after', `
Example:
  clawtrail analyze samples/proxy-release-1006 --out out/proxy-release
Exit codes: 0 no finding at or above --fail-on, 2 findings at or above it, 3 completed with partial evidence, 1 error.`)
    .action(async (paths: string[], o: Record<string, unknown>) => {
      const formats = parseFormats(String(o.reports));
      const failOn = checkSeverity(String(o.failOn));
      const params = perQuery(o.param as Record<string, string>);
      const out = String(o.out);
      const db = (o.db as string | undefined) ?? join(out, 'case.duckdb');
      const store = await Store.open(db);
      try {
        const { partial } = await ingestAndSummarize(store, paths, o);
        const progress = progressReporter(!!o.quiet);
        progress?.('running the canned queries');
        const ran = await runAll(store, params);
        if (progress) process.stderr.write('\r\x1b[K');
        for (const r of ran) if (r.error) process.stderr.write(`clawtrail: query ${r.id} failed: ${safeText(r.error)}\n`);
        const report = await buildReport(store, { version: VERSION, commandLine: commandLine(), db: resolve(db) });
        const written = writeReports(report, out, formats);
        printVerdict(report, written);
        const failing = report.findings.some((f) => severityRank(f.severity) >= severityRank(failOn));
        process.exitCode = failing ? EXIT.findings : partial || ran.some((r) => r.error) ? EXIT.partial : EXIT.ok;
      } finally {
        store.close();
      }
    });

  program.command('report')
    .description('re-render the reports from an existing case database')
    .requiredOption('--db <file>', 'case database')
    .option('--out <dir>', 'report folder', 'clawtrail-report')
    .option('--format <list>', `formats among ${FORMATS.join(',')}`, FORMATS.join(','))
    .option('--rerun', 'run the canned queries again before rendering (default: only when the case has no findings yet)')
    .option('--param <query.k=v>', 'query parameter for --rerun (repeatable)', collectParam, {})
    .action(async (o: { db: string; out: string; format: string; rerun?: boolean; param: Record<string, string> }) => {
      const formats = parseFormats(o.format);
      const store = await Store.openExisting(o.db);
      try {
        const n = Number((await store.one<{ n: string }>('SELECT count(*) AS n FROM findings'))!.n);
        if (o.rerun || n === 0) await runAll(store, perQuery(o.param));
        const report = await buildReport(store, { version: VERSION, commandLine: commandLine(), db: resolve(o.db) });
        printVerdict(report, writeReports(report, o.out, formats));
      } finally {
        store.close();
      }
    });
}
