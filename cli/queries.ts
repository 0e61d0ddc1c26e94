// CLI: queries (list the canned queries) and query (run one against a case).
import { Option, type Command } from 'commander';
import { render, safeJson, table } from '../lib/output.js';
import { Store } from '../case/store.js';
import { loadQueries, missingEvidence, resolveParams, runQuery } from '../queries/runner.js';
import { collectParam } from './common.js';

export function registerQueryCommands(program: Command): void {
  program.command('queries')
    .description('list the canned queries with their parameters')
    .option('--json', 'as JSON')
    .action((o: { json?: boolean }) => {
      const qs = loadQueries();
      if (o.json) {
        process.stdout.write(safeJson(qs.map(({ sql: _sql, file: _f, ...rest }) => rest), 2) + '\n');
        return;
      }
      process.stdout.write(table(qs.map((q) => ({ id: q.id, severity: q.severity, group: q.group, title: q.title,
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
}
