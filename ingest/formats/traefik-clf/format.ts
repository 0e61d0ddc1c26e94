// Traefik's common access-log format (v1 frontend/backend, v2/v3 router/server URL, duration in ms).
import { formatSql, type LineFormat } from '../format.js';

const LINE = /^\S+ \S+ \S+ \[[^\]]+\] "[^"]*" (?:\d{3}|-) \S+ "[^"]*" "[^"]*" \d+ (?:"[^"]*"|-) (?:"[^"]*"|-) \d+ms$/;

export const format: LineFormat = {
  name: 'traefik-clf',
  kind: 'proxy-access',
  role: 'payload',
  reads: 'Traefik v1/v2/v3 common access log (router or frontend, server URL, duration; status `-`)',
  claims: (line) => LINE.test(line),
  scripts: () => [formatSql('traefik-clf', 'parse.sql')],
};
