// Traefik's JSON access log, v1 to v3, flat or with ServiceURL as an object.
import { formatSql, type LineFormat } from '../format.js';

export const format: LineFormat = {
  name: 'traefik-json',
  kind: 'proxy-access',
  role: 'payload',
  reads: 'Traefik JSON access log (RouterName/FrontendName, DownstreamStatus, OriginStatus, ns durations; ServiceURL flat or nested)',
  claims: (_l, j) => !!j && 'DownstreamStatus' in j,
  scripts: () => [formatSql('traefik-json', 'parse.sql')],
};
