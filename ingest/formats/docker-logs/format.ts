// Envelope: `docker logs [-t]` and `docker compose logs [-t]` text (compose prefix → container, daemon stamp), and
// console output with neither.
import { formatSql, type LineFormat } from '../format.js';

const DAEMON_STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(?:Z|[+-]\d\d:\d\d) /;
const COMPOSE_PREFIX = /^(?:\x1b\[[0-9;]*m)*[A-Za-z0-9_.@-]+ *(?:\x1b\[[0-9;]*m)*\|/;

export const format: LineFormat = {
  name: 'docker-logs',
  kind: 'gateway-log',
  role: 'envelope',
  reads: '`docker logs [-t]`, `docker compose logs [-t]` (`name | ` prefix → container) around the gateway\'s or a proxy\'s output; bare gateway console output',
  // (a bare console file — neither prefix nor stamp — is claimed by gateway-console and read through this envelope)
  claims: (line) => DAEMON_STAMP.test(line) || COMPOSE_PREFIX.test(line),
  // docker events text starts with the same nanosecond stamp
  yieldsTo: ['docker-events-text'],
  scripts: () => [formatSql('docker-logs', 'parse.sql')],
};
