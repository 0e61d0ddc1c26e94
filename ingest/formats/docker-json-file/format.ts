// Envelope: the docker json-file driver's records, {"log":"…\n","stream":"stdout","time":"<RFC3339Nano>"}; records of
// more than 16 KiB come in pieces that are joined.
import { formatSql, type LineFormat } from '../format.js';

export const format: LineFormat = {
  name: 'docker-json-file',
  kind: 'gateway-log',
  role: 'envelope',
  reads: 'docker json-file records (16 KiB partial records merged) around the gateway\'s or a proxy\'s output',
  claims: (_l, j) => !!j && 'log' in j && ('stream' in j || 'time' in j),
  // DuckDB's JSON reader takes a well-formed file at once; a file with a bad record goes through raw_lines
  reader: { sql: formatSql('docker-json-file', 'read.sql'), ok: 'count(log) = count(*)' },
  scripts: (ctx) => [
    formatSql('docker-json-file', ctx.read ? 'records-read.sql' : 'records.sql'),
    // Joining split records needs a window over the whole file: only done when a file has a record over 16 KiB; and
    // the rejects step (a positional join back to the raw lines) only when a record is bad.
    async (store) => {
      const r = (await store.one<{ partial: string; bad: string }>(`SELECT count(*) FILTER (WHERE log IS NOT NULL AND NOT ends_with(log, chr(10))) AS partial,
          count(*) FILTER (WHERE bad) AS bad FROM jf`))!;
      return [Number(r.bad) > 0 ? formatSql('docker-json-file', 'rejects.sql') : '', 'DROP TABLE IF EXISTS raw_lines;\n',
        formatSql('docker-json-file', Number(r.partial) > 0 ? 'partials.sql' : 'whole.sql')].join('\n');
    },
  ],
};
