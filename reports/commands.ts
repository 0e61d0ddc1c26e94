// CLI commands that work on a case: queries, query, analyze, report, audit, export.
import { Option, type Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { render, safeText, table } from '../lib/output.js';
import { Store } from '../ingest/store.js';
import { ingest } from '../ingest/ingest.js';
import { addIngestOptions, EXIT, VERSION, devNull, ingestOptionsFrom, printIngestSummary, progressReporter } from '../lib/cli-common.js';
import { loadQueries, missingEvidence, runAll, runQuery, resolveParams, severityRank, SEVERITIES } from '../queries/runner.js';
import { buildReport, type CaseReport } from './model.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { renderFindingsJson } from './json.js';
import { renderSarif } from './sarif.js';
import { runAudit } from './audit.js';
import { exportCase } from './export.js';

function collectParam(v: string, prev: Record<string, string>): Record<string, string> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new Error(`--param wants k=v, got ${JSON.stringify(v)}`);
  return { ...prev, [v.slice(0, eq)]: v.slice(eq + 1) };
}

/** --param query-id.key=value for analyze/report (per query); query takes plain key=value. */
function perQuery(params: Record<string, string>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const ids = new Set(loadQueries().map((q) => q.id));
  for (const [k, v] of Object.entries(params)) {
    const dot = k.lastIndexOf('.');
    const id = k.slice(0, dot);
    if (dot <= 0 || !ids.has(id)) throw new Error(`--param ${k}: use <query-id>.<param>=<value> (see: clawtrail queries)`);
    (out[id] ??= {})[k.slice(dot + 1)] = v;
  }
  for (const q of loadQueries()) if (out[q.id]) resolveParams(q, out[q.id]);
  return out;
}

export const FORMATS = ['html', 'md', 'json', 'sarif'] as const;
function parseFormats(v: string): string[] {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of list) if (!(FORMATS as readonly string[]).includes(f)) throw new Error(`unknown report format ${f} (known: ${FORMATS.join(', ')})`);
  return list;
}

export function writeReports(report: CaseReport, out: string, formats: string[]): string[] {
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const put = (name: string, text: string): void => {
    writeFileSync(join(out, name), text);
    written.push(join(out, name));
  };
  if (formats.includes('html')) put('report.html', renderHtml(report));
  if (formats.includes('md')) put('report.md', renderMarkdown(report));
  if (formats.includes('json')) put('findings.json', renderFindingsJson(report));
  if (formats.includes('sarif')) put('findings.sarif', renderSarif(report));
  return written;
}

function checkSeverity(v: string): string {
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

const commandLine = (): string => ['clawtrail', ...process.argv.slice(2)].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');

export function registerAnalysisCommands(program: Command): void {
  program.command('queries')
    .description('list the canned queries with their parameters')
    .option('--json', 'as JSON')
    .action((o: { json?: boolean }) => {
      const qs = loadQueries();
      if (o.json) {
        process.stdout.write(JSON.stringify(qs.map(({ sql: _sql, file: _f, ...rest }) => rest), null, 2) + '\n');
        return;
      }
      process.stdout.write(table(qs.map((q) => ({ id: q.id, severity: q.severity, title: q.title,
        params: Object.entries(q.params).map(([k, p]) => `${k}=${p.default}${p.unit ? ` (${p.unit})` : ''}`).join(', ') })), 120) + '\n');
    });

  program.command('query')
    .description('run one canned query against a case database')
    .argument('<id>', 'query id (see: clawtrail queries)')
    .requiredOption('--db <file>', 'case database')
    .option('--param <k=v>', 'set a parameter (repeatable)', collectParam, {})
    .addOption(new Option('--json', 'rows as JSON').conflicts(['csv', 'markdown']))
    .addOption(new Option('--csv', 'rows as CSV').conflicts(['markdown']))
    .option('--markdown', 'rows as a Markdown table')
    .action(async (id: string, o: { db: string; param: Record<string, string>; json?: boolean; csv?: boolean; markdown?: boolean }) => {
      const q = loadQueries().find((x) => x.id === id);
      if (!q) throw new Error(`no query ${id} (see: clawtrail queries)`);
      resolveParams(q, o.param);
      const store = await Store.openExisting(o.db);
      try {
        const missing = await missingEvidence(store, q);
        if (missing) process.stderr.write(`clawtrail: ${q.id} cannot be answered: the evidence it needs is absent (${missing.join(', ')} empty)\n`);
        const rows = await runQuery(store, q, o.param);
        process.stdout.write(render(rows, o) + '\n');
      } finally {
        store.close();
      }
    });

  addIngestOptions(program.command('analyze')
    .description('ingest evidence, run every canned query, write the retrospective reports (the main job)')
    .argument('<paths...>', 'evidence files and folders (a collected bundle)')
    .option('--out <dir>', 'report folder (the case database goes there too)', 'clawtrail-report')
    .option('--db <file>', 'case database (default <out>/case.duckdb; ":memory:" allowed)')
    .option('--reports <list>', `report formats among ${FORMATS.join(',')}`, 'html,md,json,sarif')
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
        const progress = progressReporter(!!o.quiet);
        const result = await ingest(store, paths, ingestOptionsFrom(o, progress));
        if (progress) process.stderr.write('\r\x1b[K');
        const partial = printIngestSummary(result, o.quiet ? devNull : process.stdout, Number(o.maxRejectRatio));
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
    .option('--format <list>', `formats among ${FORMATS.join(',')}`, 'html,md,json,sarif')
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

  addIngestOptions(program.command('audit')
    .description('weekly drift audit: config and token-fingerprint changes over a period, new findings against a baseline')
    .argument('<paths...>', 'evidence files and folders')
    .option('--since <duration>', 'period ending at --now, e.g. 7d, 36h', '7d')
    .option('--from <iso>', 'period start (instead of --since)')
    .option('--to <iso>', 'period end (default: --now)')
    .option('--now <iso>', 'the audit instant (default: the last instant in the evidence)')
    .option('--baseline <file>', 'baseline of accepted findings (JSON; entries keyed by content hash)')
    .option('--write-baseline <file>', 'write the current findings as the new baseline')
    .option('--fail-on <severity>', 'exit 2 when a new finding reaches this severity', 'medium')
    .option('--out <dir>', 'audit folder (audit.md, audit.json, audit.sarif, case.duckdb)', 'clawtrail-audit')
    .option('--db <file>', 'case database (default <out>/case.duckdb)'))
    .action(async (paths: string[], o: Record<string, unknown>) => {
      checkSeverity(String(o.failOn));
      const out = String(o.out);
      const store = await Store.open((o.db as string | undefined) ?? join(out, 'case.duckdb'));
      try {
        const result = await ingest(store, paths, ingestOptionsFrom(o, progressReporter(!!o.quiet)));
        const partial = printIngestSummary(result, o.quiet ? devNull : process.stdout, Number(o.maxRejectRatio));
        await runAll(store);
        const report = await buildReport(store, { version: VERSION, commandLine: commandLine(), db: resolve(String(o.db ?? join(out, 'case.duckdb'))) });
        const audit = await runAudit(store, report, {
          since: String(o.since), from: o.from as string | undefined, to: o.to as string | undefined, now: o.now as string | undefined,
          baseline: o.baseline as string | undefined, writeBaseline: o.writeBaseline as string | undefined, failOn: String(o.failOn), out,
        });
        process.stdout.write(audit.summary + '\n');
        process.exitCode = audit.failing ? EXIT.findings : partial ? EXIT.partial : EXIT.ok;
      } finally {
        store.close();
      }
    });

  program.command('export')
    .description('take a case to other tools: Parquet (DuckDB COPY), Arrow IPC files, Timesketch JSONL')
    .requiredOption('--db <file>', 'case database')
    .option('--parquet <dir>', 'one .parquet file per table')
    .option('--arrow <dir>', 'one .arrow (IPC file) per table, written with apache-arrow')
    .option('--timesketch <file>', 'Timesketch-compatible JSONL (message, datetime, timestamp_desc)')
    .action(async (o: { db: string; parquet?: string; arrow?: string; timesketch?: string }) => {
      if (!o.parquet && !o.arrow && !o.timesketch) throw new Error('say where to export: --parquet DIR, --arrow DIR and/or --timesketch FILE');
      const store = await Store.openExisting(o.db);
      try {
        const written = await exportCase(store, o);
        process.stdout.write(written.map((w) => `${w.path}  (${w.rows} rows)`).join('\n') + '\n');
      } finally {
        store.close();
      }
    });
}
