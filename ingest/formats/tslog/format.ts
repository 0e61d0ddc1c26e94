// The gateway's own JSON file log (/tmp/openclaw/openclaw-YYYY-MM-DD.log): tslog records.
import { formatSql, type LineFormat } from '../format.js';

export const format: LineFormat = {
  name: 'tslog',
  kind: 'gateway-log',
  role: 'file',
  reads: 'the gateway\'s tslog JSON file log (`/tmp/openclaw/openclaw-*.log`)',
  claims: (_l, j) => !!j && ('_meta' in j || ('0' in j && 'time' in j)),
  scripts: () => [formatSql('gateway-console', 'stage.sql'), formatSql('tslog', 'parse.sql'), formatSql('gateway-console', 'events.sql')],
};
