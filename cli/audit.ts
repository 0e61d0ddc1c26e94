// CLI: audit, the weekly drift audit — ingest, run the queries, compare against a baseline, write audit.md/json/sarif.
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { safeText } from '../lib/output.js';
import { runAll } from '../queries/runner.js';
import { baselineDocument, runAudit } from '../queries/audit.js';
import { buildReport } from '../reports/model.js';
import { writeAuditReports } from '../reports/write.js';
import { checkSeverity } from './analysis.js';
import { EXIT, VERSION, addIngestOptions, checkIngestOptions, checkIsoInstant, commandLine, ingestAndSummarize, openCaseForIngest } from './common.js';
import { writeFileAtomic } from '../reports/write.js';
import { parseDuration } from '../queries/audit.js';

export function registerAuditCommand(program: Command): void {
  addIngestOptions(program.command('audit')
    .description('weekly drift audit: config and token-fingerprint changes over a period, new findings against a baseline')
    .argument('<paths...>', 'evidence files and folders')
    .option('--since <duration>', 'period ending at --now, e.g. 7d, 36h', '7d')
    .option('--from <iso>', 'period start (instead of --since)')
    .option('--to <iso>', 'period end (default: --now)')
    .option('--now <iso>', 'the audit instant (default: the last instant in the evidence)')
    .option('--baseline <file>', 'baseline of accepted findings (JSON; entries keyed by finding id)')
    .option('--write-baseline <file>', 'write the current findings as the new baseline')
    .option('--fail-on <severity>', 'exit 2 when a new finding reaches this severity', 'medium')
    .option('--out <dir>', 'audit folder (audit.md, audit.json, audit.sarif, case.duckdb)', 'clawtrail-audit')
    .option('--db <file>', 'case database (default <out>/case.duckdb)'))
    .action(async (paths: string[], o: Record<string, unknown>) => {
      const failOn = checkSeverity(String(o.failOn));
      parseDuration(String(o.since));
      for (const flag of ['from', 'to', 'now'] as const) checkIsoInstant(`--${flag}`, o[flag] as string | undefined);
      await checkIngestOptions(o);
      const out = String(o.out);
      const db = (o.db as string | undefined) ?? join(out, 'case.duckdb');
      const opened = await openCaseForIngest(db, paths, o);
      const { store } = opened;
      try {
        const { partial } = await ingestAndSummarize(opened, paths, o);
        await runAll(store);
        const report = await buildReport(store, { version: VERSION, commandLine: commandLine(), db: resolve(db) });
        const audit = await runAudit(store, report.findings, report.span.to, {
          since: String(o.since), from: o.from as string | undefined, to: o.to as string | undefined, now: o.now as string | undefined,
          baseline: o.baseline as string | undefined, failOn,
        });
        const written = writeAuditReports(audit, report, out);
        if (o.writeBaseline) {
          writeFileAtomic(String(o.writeBaseline), baselineDocument(audit));
          written.push(String(o.writeBaseline));
        }
        const stale = audit.stale_baseline_entries.length;
        process.stdout.write([
          `Drift audit ${audit.period.from} → ${audit.period.to}: ${audit.changes.length} config change(s) (previous period ${audit.previous_period_changes}), ${audit.new_findings.length} new finding(s), ${stale} stale baseline entr${stale === 1 ? 'y' : 'ies'}.`,
          ...audit.new_findings.slice(0, 10).map((f) => `  new [${f.severity}] ${safeText(f.statement).slice(0, 200)}`),
          `Written: ${written.map(safeText).join(', ')}`].join('\n') + '\n');
        process.exitCode = audit.failing ? EXIT.findings : partial ? EXIT.partial : EXIT.ok;
      } finally {
        store.close();
      }
    });
}
