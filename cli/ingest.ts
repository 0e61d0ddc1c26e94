// CLI: ingest (evidence into a case database) and sql (any SQL against a case).
import { Option, type Command } from 'commander';
import { render } from '../lib/output.js';
import { Store } from '../case/store.js';
import { EXIT, addIngestOptions, defaultDb, ingestAndSummarize } from './common.js';
import { formatsHelp } from '../ingest/formats/registry.js';

export function registerIngestCommands(program: Command): void {
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

Formats (detected from content; --format forces one; ENVELOPE+PAYLOAD, e.g. docker-logs+haproxy, for a proxy's lines
in a container log — without it each container's lines are detected apart):
${formatsHelp()}
Exit codes: 0 ok, 1 error, 3 partial evidence (unknown or unreadable files, rejects above --max-reject-ratio).`),
  ).action(async (paths: string[], o: Record<string, unknown>) => {
    const store = await Store.open(defaultDb(o));
    try {
      const { partial } = await ingestAndSummarize(store, paths, o);
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
}
