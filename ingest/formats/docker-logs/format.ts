// Envelope: `docker logs [-t]` and `docker compose logs [-t]` text (compose prefix → container, daemon stamp), and
// console output with neither.
import { formatSql, type LineFormat } from '../format.js';
import { format as gatewayConsole } from '../gateway-console/format.js';

const DAEMON_STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(?:Z|[+-]\d\d:\d\d) /;
const COMPOSE_PREFIX = /^(?:\x1b\[[0-9;]*m)*[A-Za-z0-9_.@-]+ *(?:\x1b\[[0-9;]*m)*\|/;

export const format: LineFormat = {
  name: 'docker-logs',
  kind: 'gateway-log',
  role: 'envelope',
  reads: '`docker logs [-t]`, `docker compose logs [-t]` (`name | ` prefix → container) around the gateway\'s or a proxy\'s output; bare gateway console output',
  claims: (line, json) => DAEMON_STAMP.test(line) || COMPOSE_PREFIX.test(line) || gatewayConsole.claims(line, json),
  scripts: () => [formatSql('docker-logs', 'parse.sql')],
};
