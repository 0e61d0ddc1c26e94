#!/usr/bin/env node
// clawtrail command line: every command is a thin shell over ingest/, queries/ and reports/.
import { Command, Option } from 'commander';
import { render, safeText } from './lib/output.js';
import { Store } from './ingest/store.js';
import { ingest } from './ingest/ingest.js';
import { registerAnalysisCommands } from './reports/commands.js';
import { registerCollectCommands } from './collect/commands.js';
import { EXIT, VERSION, addIngestOptions, defaultDb, devNull, ingestOptionsFrom, printIngestSummary, progressReporter } from './lib/cli-common.js';

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

  addIngestOptions(
    program.command('ingest')
      .description('read evidence files and folders into the case database (formats detected from content)')
      .argument('<paths...>', 'files and folders (recursive); .gz and rotated series are read in order')
      .option('--db <file>', 'case database (":memory:" allowed)')
      .option('--out <dir>', 'case folder; the database defaults to <out>/case.duckdb', 'clawtrail-case')
      .addHelpText('after', `
Examples:
  clawtrail ingest ./bundle --db case.duckdb              a collected bundle: every file detected by content
  clawtrail ingest logs/access.log* nginx/ --db case.duckdb   rotated nginx logs read with the log_format of nginx/nginx.conf
  clawtrail ingest gw.log --format docker-logs --tz Europe/Paris --db case.duckdb
  clawtrail ingest . --git ~/openclaw-config --db case.duckdb  add the config repository's history

Formats: docker-json-file, docker-logs, journald, tslog, openclaw-logs, config-audit, nginx-access[:name], nginx-error,
caddy-json, traefik-clf, traefik-json, haproxy, envoy, docker-inspect, docker-events-json, docker-events-text,
compose, dotenv, openclaw-json, devices-json, nginx-conf.
Exit codes: 0 ok, 1 error, 3 partial evidence (unknown or unreadable files, rejects above --max-reject-ratio).`),
  ).action(async (paths: string[], o: Record<string, unknown>) => {
    const store = await Store.open(defaultDb(o));
    try {
      const progress = progressReporter(!!o.quiet);
      const result = await ingest(store, paths, ingestOptionsFrom(o, progress));
      if (progress) process.stderr.write('\r\x1b[K');
      const partial = printIngestSummary(result, o.quiet ? devNull : process.stdout, Number(o.maxRejectRatio));
      process.exitCode = partial ? EXIT.partial : EXIT.ok;
    } finally {
      store.close();
    }
  });

  program.command('sql')
    .description('run SQL against a case database and print the rows')
    .argument('<query>', 'DuckDB SQL')
    .requiredOption('--db <file>', 'case database')
    .addOption(new Option('--json', 'rows as JSON').conflicts(['csv', 'markdown']))
    .addOption(new Option('--csv', 'rows as CSV').conflicts(['markdown']))
    .option('--markdown', 'rows as a Markdown table')
    .action(async (query: string, o: { db: string; json?: boolean; csv?: boolean; markdown?: boolean }) => {
      const store = await Store.openExisting(o.db);
      try {
        const rows = await store.all(query);
        process.stdout.write(render(rows, o) + '\n');
      } finally {
        store.close();
      }
    });

  registerAnalysisCommands(program);
  registerCollectCommands(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    process.stderr.write(`clawtrail: ${String((err as Error).message).split('\n').map((l) => safeText(l)).join('\n  ')}\n`);
    process.exitCode = EXIT.error;
  }
}

await main();
