// Envoy: the default access-log format string and a JSON format dictionary.
import { formatSql, type LineFormat } from '../format.js';

const LINE = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)\] "\S+ \S+ [^"]*" \d{1,3} /;

export const format: LineFormat = {
  name: 'envoy',
  kind: 'proxy-access',
  role: 'payload',
  reads: 'Envoy default access format (response flags, upstream time; Istio\'s trailing fields) and JSON format dictionaries named after the operators',
  claims: (line, j) => LINE.test(line) || (!!j && 'response_code' in j && 'start_time' in j),
  scripts: () => [formatSql('envoy', 'parse.sql')],
};
