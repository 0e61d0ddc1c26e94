// CLI: ingest (evidence into a case database) and sql (any SQL against a case).
import { Option, type Command } from 'commander';
import { render } from '../lib/output.js';
import { Store } from '../case/store.js';
import { EXIT, addIngestOptions, checkIngestOptions, defaultDb, ingestAndSummarize, openCaseForIngest } from './common.js';
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
A case is one evidence set: ingesting other evidence into a case database that holds some is refused (--append adds
to it, --force replaces it); the same evidence again is idempotent.
Exit codes: 0 ok, 1 error, 3 partial or no evidence (unknown or unreadable files, rejects above --max-reject-ratio,
nothing read at all).`),
  ).action(async (paths: string[], o: Record<string, unknown>) => {
    await checkIngestOptions(o);
    const opened = await openCaseForIngest(defaultDb(o), paths, o);
    const { store } = opened;
    try {
      const { partial } = await ingestAndSummarize(opened, paths, o);
      process.exitCode = partial ? EXIT.partial : EXIT.ok;
    } finally {
      store.close();
    }
  });

  program.command('sql')
    .description('run SQL against a case database and print the rows (read-only unless --write)')
    .argument('<query>', 'DuckDB SQL')
    .requiredOption('--db <file>', 'case database')
    .option('--write', 'open the case read-write (a statement may change it: the findings and reports built from it too)')
    .addOption(new Option('--json', 'rows as JSON').conflicts(['csv', 'markdown']))
    .addOption(new Option('--csv', 'rows as CSV (a cell that starts with = + - @ is prefixed with \' so that no spreadsheet runs it)').conflicts(['markdown']))
    .option('--markdown', 'rows as a Markdown table')
    .addHelpText('after', `
Examples:
  clawtrail sql --db case.duckdb "SELECT event, count(*) FROM gateway_events GROUP BY ALL"
  clawtrail sql --db case.duckdb --csv "SELECT * FROM proxy_requests WHERE status >= 500" > errors.csv
Control characters from the evidence are printed escaped (\\x1b) in every output format.`)
    .action(async (query: string, o: { db: string; write?: boolean; json?: boolean; csv?: boolean; markdown?: boolean }) => {
      const store = await Store.openExisting(o.db, { readOnly: !o.write });
      try {
        const rows = await store.all(query).catch((err: Error) => {
          if (/read-only mode/i.test(err.message)) throw new Error(`the case is opened read-only; add --write to change it (${err.message.split('\n')[0]})`);
          throw err;
        });
        process.stdout.write(render(rows, o) + '\n');
      } finally {
        store.close();
      }
    });
}
