// Caddy's JSON logs: the access log (WebSocket = status 0 + upgrade headers + duration) and its stderr (reload, admin,
// dial errors).
import { formatSql, type LineFormat } from '../format.js';

export const format: LineFormat = {
  name: 'caddy-json',
  kind: 'proxy-access',
  role: 'payload',
  reads: 'Caddy JSON: access log (`handled request`; a WebSocket is status 0 with upgrade headers, duration = its life) and its stderr (reload, admin API, dial errors)',
  // Caddy stamps `ts` (epoch seconds or ISO) and names a `logger`; Traefik and the gateway write `time`
  claims: (_l, j) => !!j && 'ts' in j && 'level' in j && ('logger' in j || 'msg' in j) && !('DownstreamStatus' in j),
  scripts: () => [formatSql('caddy-json', 'parse.sql')],
};
