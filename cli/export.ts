// CLI: export, a case to other tools (Parquet, Arrow IPC, Timesketch JSONL).
import type { Command } from 'commander';
import { Store } from '../case/store.js';
import { exportCase } from '../reports/export.js';
import { safeText } from '../lib/output.js';

export function registerExportCommand(program: Command): void {
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
        process.stdout.write(written.map((w) => `${safeText(w.path)}  (${w.rows} rows)`).join('\n') + '\n');
      } finally {
        store.close();
      }
    });
}
