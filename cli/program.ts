// The clawtrail command line: one commander program, each command group registered from its own file.
import { Command } from 'commander';
import { VERSION } from './common.js';
import { registerIngestCommands } from './ingest.js';
import { registerAnalysisCommands } from './analysis.js';
import { registerQueryCommands } from './queries.js';
import { registerAuditCommand } from './audit.js';
import { registerExportCommand } from './export.js';
import { registerCollectCommands } from './collect.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('clawtrail')
    .description('Offline forensic analyzer for OpenClaw gateways under Docker Compose: ingest evidence into DuckDB, correlate, report.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError()
    .addHelpText('after', `
Examples:
  clawtrail analyze samples/proxy-release-1006 --out out/proxy     ingest, run every query, write reports
  clawtrail ingest ./bundle --db case.duckdb                        ingest a collected bundle (folders are walked)
  clawtrail ingest access.log* --format nginx-access:main --tz Europe/Paris
  clawtrail sql --db case.duckdb "SELECT event, count(*) FROM gateway_events GROUP BY ALL"
  clawtrail queries                                                 list the canned queries
  clawtrail query ws-close-bursts --db case.duckdb --param min_count=5

Exit codes: 0 ok, 1 error, 2 findings at or above --fail-on, 3 completed with partial evidence.
Schema: docs/schema.md (tables sources, rejects, gateway_events, proxy_requests, proxy_errors, …).`);
  registerIngestCommands(program);
  registerQueryCommands(program);
  registerAnalysisCommands(program);
  registerAuditCommand(program);
  registerExportCommand(program);
  registerCollectCommands(program);
  return program;
}
