// `openclaw logs` output as users paste it: pretty, --plain and --json.
import { formatSql, type LineFormat } from '../format.js';

const LINE = /^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)|\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d)?) (?:trace|debug|info|warn|error|fatal) \S+ /;

export const format: LineFormat = {
  name: 'openclaw-logs',
  kind: 'gateway-log',
  role: 'file',
  reads: '`openclaw logs` output (pretty, `--plain`, `--json`)',
  claims: (line, j) => (!!j && j.type === 'log' && 'message' in j) || LINE.test(line),
  scripts: () => [formatSql('gateway-console', 'stage.sql'), formatSql('openclaw-logs', 'parse.sql'), formatSql('gateway-console', 'events.sql')],
};
