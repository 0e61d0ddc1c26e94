// config-audit.jsonl: who wrote openclaw.json, when.
import { formatSql, type LineFormat } from '../format.js';

export const format: LineFormat = {
  name: 'config-audit',
  kind: 'config-audit',
  role: 'file',
  reads: '`config-audit.jsonl` (who wrote openclaw.json, when, with which command)',
  claims: (_l, j) => !!j && j.source === 'config-io',
  scripts: () => [formatSql('config-audit', 'parse.sql')],
};
