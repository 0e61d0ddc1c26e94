// nginx access log → proxy_requests, parsed inside DuckDB with the RE2 pattern compiled from the log_format.
// Each line is matched once (regexp_extract into a STRUCT); a line that does not match is a reject.
import { lit } from '../../lib/sql.js';
import type { CompiledFormat } from './nginx-format.js';

function field(vars: string[], ...names: string[]): string | undefined {
  for (const n of names) if (vars.includes(n)) return `dash_null(g."${n}")`;
  return undefined;
}

function timeExpr(vars: string[]): { ts: string; text: string } {
  if (vars.includes('msec')) return { ts: `make_timestamptz((TRY_CAST(g."msec" AS DOUBLE) * 1000000)::BIGINT)`, text: `g."msec"` };
  if (vars.includes('time_iso8601')) return { ts: `TRY_CAST(g."time_iso8601" AS TIMESTAMPTZ)`, text: `g."time_iso8601"` };
  if (vars.includes('time_local')) return { ts: `try_strptime(g."time_local", '%d/%b/%Y:%H:%M:%S %z')`, text: `g."time_local"` };
  return { ts: 'NULL::TIMESTAMPTZ', text: 'NULL' };
}

/** The last number of an upstream list ("0.001, 0.000" → 0.000): the try that answered. */
const lastOfList = (e: string): string => `TRY_CAST(nullif(regexp_extract(${e}, '([0-9.]+)\\s*$', 1), '') AS DOUBLE)`;

/** The capture that is never empty on a match ($status is \d{3}), so a no-match needs no second regex. */
function matchField(vars: string[]): string {
  return vars.includes('status') ? 'status' : vars.find((v) => v.startsWith('time_') || v === 'msec') ?? vars[0];
}

export function nginxAccessSql(fmt: CompiledFormat, sourceId: number): string {
  const v = fmt.vars;
  const names = v.map((n) => lit(n)).join(', ');
  const t = timeExpr(v);
  const request = field(v, 'request');
  const req = request ? `regexp_extract(coalesce(${request}, ''), '^(\\S+) (\\S+)(?: (\\S+))?$', ['m', 'p', 'proto'])` : 'NULL';
  const col = (e: string | undefined): string => e ?? 'NULL';
  const rt = field(v, 'request_time');
  const urt = field(v, 'upstream_response_time');
  const upgrade = field(v, 'http_upgrade');
  const ok = `g."${matchField(v)}" <> ''`;
  return `
CREATE OR REPLACE TEMP TABLE na AS
SELECT rowid - {{rowbase}} AS line_no, regexp_extract(line, ${lit(fmt.regex)}, [${names}]) AS g FROM raw_lines;
INSERT INTO proxy_requests
SELECT ${sourceId}, line_no, 'nginx', ts, ts_text, false,
       make_timestamptz(epoch_us(ts) - (coalesce(request_time, 0) * 1000000)::BIGINT),
       ${col(field(v, 'remote_addr', 'realip_remote_addr', 'binary_remote_addr'))},
       nullif(r.m, ''), redact(nullif(r.p, '')), nullif(r.proto, ''),
       status, TRY_CAST(${col(field(v, 'body_bytes_sent', 'bytes_sent'))} AS BIGINT),
       request_time, ${urt ? lastOfList(urt) : 'NULL'}, ${col(field(v, 'upstream_status'))}, ${col(field(v, 'upstream_addr'))},
       ${col(field(v, 'host', 'http_host', 'server_name'))}, ${col(field(v, 'http_referer'))}, ${col(field(v, 'http_user_agent'))},
       ${col(field(v, 'http_x_forwarded_for', 'proxy_add_x_forwarded_for'))}, ${col(upgrade)},
       TRY_CAST(${col(field(v, 'pid'))} AS INTEGER),
       status = 101 OR lower(coalesce(${col(upgrade)}, '')) = 'websocket'
FROM (SELECT line_no, g, ${t.ts} AS ts, ${t.text} AS ts_text, TRY_CAST(g."status" AS INTEGER) AS status,
             TRY_CAST(${col(rt)} AS DOUBLE) AS request_time, ${req} AS r
      FROM na WHERE ${ok});
-- na was built from raw_lines in order: a positional join gives each unmatched line back without a second regex
INSERT INTO rejects
SELECT ${sourceId}, na.line_no, ${lit(`does not match nginx log_format ${fmt.name} (${fmt.origin})`)}, reject_raw(r.line)
FROM na POSITIONAL JOIN raw_lines r WHERE NOT (${ok}) AND r.line IS NOT NULL;
DROP TABLE na;
`;
}
