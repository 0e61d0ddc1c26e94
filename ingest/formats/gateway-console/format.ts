// The gateway's console output (what docker logs of an OpenClaw container hold): compact `<ISO> [sub] msg`, pretty
// `HH:MM:SS [sub] msg`, JSON console records, and raw client lines. The payload every container log falls back to.
import { formatSql, type LineFormat } from '../format.js';

const CONSOLE = /^(?:\x1b\[[0-9;]*m)*(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)(?:\x1b\[[0-9;]*m)* |(?:\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d)?)(?:\x1b\[[0-9;]*m)* (?:\x1b\[[0-9;]*m)*\[[^\]]+\])/;

export const format: LineFormat = {
  name: 'gateway-console',
  kind: 'gateway-log',
  role: 'payload',
  reads: 'the gateway\'s console output: compact / pretty / json console styles (ANSI stripped, `Z`, `±HH:MM` and bare `HH:MM:SS` stamps), client output without stamps',
  claims: (line, j) => CONSOLE.test(line) || (!!j && 'subsystem' in j && 'message' in j),
  // `openclaw logs --plain` lines and docker events text also start with an ISO stamp
  yieldsTo: ['openclaw-logs', 'docker-events-text'],
  // once the console lines are records (gw_stage), what they came from is let go before the grammar runs (memory)
  scripts: (ctx) => [formatSql('gateway-console', 'stage.sql'), formatSql('gateway-console', 'console.sql'), ctx.release?.(['gw_stage']) ?? '', formatSql('gateway-console', 'events.sql')],
};
