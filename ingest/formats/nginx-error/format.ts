// nginx error log, every level; the notices of a reload and the reasons a connection ended.
import { formatSql, type LineFormat } from '../format.js';

const LINE = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(?:debug|info|notice|warn|error|crit|alert|emerg)\] \d+#\d+: /;

export const format: LineFormat = {
  name: 'nginx-error',
  kind: 'proxy-error',
  role: 'payload',
  reads: 'nginx error log at every level (timeouts on upgraded connections, connect failures, reload/reconfigure/signal notices)',
  claims: (line) => LINE.test(line),
  lineClaim: String.raw`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[\w+\] \d+#\d+: `,
  scripts: () => [formatSql('nginx-error', 'parse.sql')],
};
