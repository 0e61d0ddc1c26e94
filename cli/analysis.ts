// CLI: analyze (the main job: ingest, run every canned query, write the reports) and report (re-render a case).
import { Option, type Command } from 'commander';
import { join, resolve } from 'node:path';
import { safeText } from '../lib/output.js';
import { Store } from '../case/store.js';
import { SEVERITIES, severityRank } from '../case/finding.js';
import { loadQueries, queryPhase, resolveParams, runAll } from '../queries/runner.js';
import { buildReport, type CaseReport } from '../reports/model.js';
import { REPORT_FORMATS, writeReports } from '../reports/write.js';
import { EXIT, VERSION, addIngestOptions, checkIngestOptions, collectParam, commandLine, ingestAndSummarize, openCaseForIngest } from './common.js';
import { Progress } from './progress.js';

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

/** The report list: --reports (the one name in every command; `report --format` still works, hidden). */
function parseReports(v: string): string[] {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new Error(`--reports wants one or more of ${FORMATS.join(', ')}`);
  for (const f of list) if (!FORMATS.includes(f)) throw new Error(`unknown report format ${JSON.stringify(f)} (known: ${FORMATS.join(', ')})`);
  return list;
}

export function checkSeverity(v: string): string {
  if (severityRank(v) < 0) throw new Error(`--fail-on must be one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(v)}`);
  return v;
}

const reportsOption = (): Option => new Option('--reports <list>', `report formats among ${FORMATS.join(',')}`).default(FORMATS.join(','));

/** Renders and writes the reports while DuckDB checkpoints the case on its own thread: closing the case would
 *  otherwise checkpoint it afterwards, with nothing else to do meanwhile. */
async function writeWhileCheckpointing(store: Store, report: CaseReport, out: string, formats: string[]): Promise<string[]> {
  const durable = store.run('CHECKPOINT');
  try {
    return writeReports(report, out, formats);
  } finally {
    await durable;
  }
}

/** Runs the canned queries with a progress line; a query that failed is said on stderr. */
async function runQueries(store: Store, params: Record<string, Record<string, string>>, quiet: boolean): Promise<boolean> {
  const progress = new Progress('queries', quiet, 'queries');
  const ran = await runAll(store, params, (done, total, id) => progress.update(done, total, id));
  progress.done();
  for (const r of ran) if (r.error) process.stderr.write(`clawtrail: query ${r.id} failed: ${safeText(r.error)}\n`);
  return ran.some((r) => r.error);
}

function printVerdict(report: CaseReport, written: string[]): void {
  const lead = report.findings.find((f) => f.id === report.verdict.lead);
  const lines = [`\nVerdict (${report.verdict.status.replace('-', ' ')}): ${safeText(report.verdict.headline)}`];
  if (lead && report.verdict.status === 'incident') {
    const i = lead.impact;
    if (i) lines.push(`  impact: ${i.clients ?? '?'} client(s), ${i.sessions ?? '?'} session(s) failed${i.paths?.length ? ` on ${safeText(i.paths.join(', '))}` : ''}`);
    if (lead.mechanism) lines.push(`  why: ${safeText(lead.mechanism).slice(0, 400)}`);
    for (const t of report.verdict.todo.slice(0, 2)) lines.push(`  to do: ${safeText(t.action).slice(0, 300)}`);
    if (lead.fix) lines.push(`  fix in the evidence: ${safeText(lead.fix.statement).slice(0, 300)}`);
  }
  if (!report.query_phase.complete) lines.push(`  partial findings: ${safeText(report.query_phase.note)}`);
  lines.push('', 'Reports:', ...written.map((w) => `  ${safeText(w)}`));
  process.stdout.write(lines.join('\n') + '\n');
}

/** The exit code of a run: findings at or above --fail-on, else partial or absent evidence, else ok. */
function exitCode(report: CaseReport, failOn: string | null, partial: boolean): number {
  if (failOn && report.findings.some((f) => severityRank(f.severity) >= severityRank(failOn))) return EXIT.findings;
  return partial || report.verdict.status === 'no-evidence' || !report.query_phase.complete ? EXIT.partial : EXIT.ok;
}

export function registerAnalysisCommands(program: Command): void {
  addIngestOptions(program.command('analyze')
    .description('ingest evidence, run every canned query, write the retrospective reports (the main job)')
    .argument('<paths...>', 'evidence files and folders (a collected bundle)')
    .option('--out <dir>', 'report folder (the case database goes there too)', 'clawtrail-report')
    .option('--db <file>', 'case database (default <out>/case.duckdb; ":memory:" allowed)')
    .addOption(reportsOption())
    .option('--fail-on <severity>', `exit 2 when a finding reaches this severity (${SEVERITIES.join(', ')})`, 'high')
    .option('--param <query.k=v>', 'set a query parameter, e.g. incidents-and-hours.responders=3 (repeatable)', collectParam, {}))
    .addHelpText('after', `
Examples:
  clawtrail analyze samples/proxy-release-1006 --out out/proxy-release
  clawtrail analyze bundle --out out/case --reports html,md --tz Europe/Paris
  clawtrail analyze more-logs --out out/case --append      add evidence to the same case on purpose
A case is one evidence set: analyzing other evidence into a folder that holds a case is refused (--append adds to
it, --force replaces it); the same evidence again is idempotent.
Exit codes: 0 no finding at or above --fail-on, 2 findings at or above it, 3 completed with partial evidence or no
evidence at all, 1 error.`)
    .action(async (paths: string[], o: Record<string, unknown>) => {
      const formats = parseReports(String(o.reports));
      const failOn = checkSeverity(String(o.failOn));
      const params = perQuery(o.param as Record<string, string>);
      await checkIngestOptions(o);
      const out = String(o.out);
      const db = (o.db as string | undefined) ?? join(out, 'case.duckdb');
      const opened = await openCaseForIngest(db, paths, o);
      const { store } = opened;
      try {
        const { partial } = await ingestAndSummarize(opened, paths, o);
        const failed = await runQueries(store, params, !!o.quiet);
        const report = await buildReport(store, { version: VERSION, commandLine: commandLine(), db: resolve(db) });
        const written = await writeWhileCheckpointing(store, report, out, formats);
        printVerdict(report, written);
        process.exitCode = exitCode(report, failOn, partial || failed);
      } finally {
        store.close();
      }
    });

  program.command('report')
    .description('re-render the reports from an existing case database')
    .requiredOption('--db <file>', 'case database')
    .option('--out <dir>', 'report folder', 'clawtrail-report')
    .addOption(reportsOption())
    .addOption(new Option('--format <list>', 'old name of --reports').hideHelp())
    .option('--rerun', 'run the canned queries again before rendering (default: only when the last query phase did not finish)')
    .option('--param <query.k=v>', 'query parameter for --rerun (repeatable)', collectParam, {})
    .option('-q, --quiet', 'no progress')
    .addHelpText('after', `
Examples:
  clawtrail report --db out/case/case.duckdb --out out/again --reports md,json
Exit codes: 0 ok, 3 the evidence is partial or absent, 1 error.`)
    .action(async (o: { db: string; out: string; reports: string; format?: string; rerun?: boolean; param: Record<string, string>; quiet?: boolean }) => {
      const formats = parseReports(o.format ?? o.reports);
      const params = perQuery(o.param);
      const store = await Store.openExisting(o.db);
      try {
        const phase = await queryPhase(store);
        if (phase?.state !== 'done' && !o.rerun) {
          process.stderr.write(`clawtrail: ${phase ? `the query phase started ${phase.started_at} did not finish` : 'the canned queries have not run on this case'}: running them now\n`);
        }
        const failed = o.rerun || phase?.state !== 'done' ? await runQueries(store, params, !!o.quiet) : false;
        const report = await buildReport(store, { version: VERSION, commandLine: commandLine(), db: resolve(o.db) });
        printVerdict(report, await writeWhileCheckpointing(store, report, o.out, formats));
        process.exitCode = exitCode(report, null, report.partial || failed);
      } finally {
        store.close();
      }
    });
}
