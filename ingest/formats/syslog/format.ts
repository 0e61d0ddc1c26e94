// Envelope: RFC 5424 syslog lines (zoned stamp, app name).
import { formatSql, type LineFormat } from '../format.js';

const LINE = /^<\d{1,3}>1 (?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)|-) \S+ \S+ \S+ \S+ /;

export const format: LineFormat = {
  name: 'syslog',
  kind: 'proxy-access',
  role: 'envelope',
  reads: 'RFC 5424 syslog lines (`<PRI>1 ISO-stamp host app pid msgid sd …`) around a proxy or gateway payload',
  claims: (line) => LINE.test(line),
  scripts: () => [formatSql('syslog', 'parse.sql')],
};
