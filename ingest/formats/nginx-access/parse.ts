// nginx access log → proxy_requests, parsed inside DuckDB with the RE2 pattern compiled from the log_format.
// Each line is matched once (regexp_extract into a STRUCT); a line that does not match is a reject.
import { lit } from '../../../lib/sql.js';
import type { CompiledFormat } from './log-format.js';

function field(vars: string[], ...names: string[]): string | undefined {
  for (const n of names) if (vars.includes(n)) return `dash_null(g."${n}")`;
  return undefined;
}

function timeExpr(vars: string[]): { ts: string; text: string } {
  if (vars.includes('msec')) return { ts: `make_timestamptz((TRY_CAST(g."msec" AS DOUBLE) * 1000000)::BIGINT)`, text: `g."msec"` };
  if (vars.includes('time_iso8601')) return { ts: `TRY_CAST(g."time_iso8601" AS TIMESTAMPTZ)`, text: `g."time_iso8601"` };
  if (vars.includes('time_local')) return { ts: `try_strptime(g."time_local", '%d/%b/%Y:%H:%M:%S %z')`, text: `g."time_local"` };
  // no time of its own: the envelope's stamp (docker) when there is one
  return { ts: 'TRY_CAST(daemon_ts_text AS TIMESTAMPTZ)', text: 'daemon_ts_text' };
}

/** The last number of an upstream list ("0.001, 0.000" → 0.000): the try that answered. */
const lastOfList = (e: string): string => `TRY_CAST(nullif(regexp_extract(${e}, '([0-9.]+)\\s*$', 1), '') AS DOUBLE)`;

/** The capture that is never empty on a match ($status is \d{3}), so a no-match needs no second regex. */
function matchField(vars: string[]): string {
  return vars.includes('status') ? 'status' : vars.find((v) => v.startsWith('time_') || v === 'msec') ?? vars[0];
}

export function nginxAccessSql(fmt: CompiledFormat): string {
  const v = fmt.vars;
  const names = v.map((n) => lit(n)).join(', ');
  const t = timeExpr(v);
  const request = field(v, 'request');
  const req = request ? `regexp_extract(coalesce(${request}, ''), '^(\\S+) (\\S+)(?: (\\S+))?$', ['m', 'p', 'proto'])`
    : `{'m': ${field(v, 'request_method') ?? "''"}, 'p': ${field(v, 'request_uri', 'uri') ?? "''"}, 'proto': ${field(v, 'server_protocol') ?? "''"}}`;
  const col = (e: string | undefined): string => e ?? 'NULL';
  const list = (e: string | undefined): string => (e ? lastOfList(e) : 'NULL');
  const rt = field(v, 'request_time');
  const upgrade = field(v, 'http_upgrade');
  const ok = `g."${matchField(v)}" <> ''`;
  return `
CREATE OR REPLACE TEMP TABLE na AS
SELECT line_no, daemon_ts_text, container, regexp_extract(payload, ${lit(fmt.regex)}, [${names}]) AS g FROM {{payloads}} WHERE payload IS NOT NULL;
INSERT INTO proxy_requests BY NAME
SELECT {{source_id}} AS source_id, line_no, 'nginx' AS proxy, container, ts, ts_text, false AS tz_assumed,
       make_timestamptz(epoch_us(ts) - (coalesce(request_time, 0) * 1000000)::BIGINT) AS started_at,
       ${col(field(v, 'remote_addr', 'realip_remote_addr', 'binary_remote_addr'))} AS remote_addr,
       nullif(r.m, '') AS method, redact(nullif(r.p, '')) AS path, nullif(r.proto, '') AS protocol,
       status, TRY_CAST(${col(field(v, 'body_bytes_sent', 'bytes_sent'))} AS BIGINT) AS bytes_sent,
       request_time, ${list(field(v, 'upstream_response_time'))} AS upstream_time, ${col(field(v, 'upstream_status'))} AS upstream_status,
       ${col(field(v, 'upstream_addr'))} AS upstream_addr,
       ${col(field(v, 'host', 'http_host', 'server_name'))} AS host, ${col(field(v, 'http_referer'))} AS referer, ${col(field(v, 'http_user_agent'))} AS user_agent,
       ${col(field(v, 'http_x_forwarded_for', 'proxy_add_x_forwarded_for'))} AS xff, ${col(upgrade)} AS upgrade,
       TRY_CAST(${col(field(v, 'pid'))} AS INTEGER) AS worker_pid,
       status = 101 OR lower(coalesce(${col(upgrade)}, '')) = 'websocket' AS is_websocket,
       ${col(field(v, 'proxy_upstream_name'))} AS route,
       status_end_reason(status) AS end_reason,
       ${list(field(v, 'upstream_connect_time'))} AS connect_time, ${list(field(v, 'upstream_header_time'))} AS header_time
FROM (SELECT line_no, container, g, ${t.ts} AS ts, ${t.text} AS ts_text, TRY_CAST(g."status" AS INTEGER) AS status,
             TRY_CAST(${col(rt)} AS DOUBLE) AS request_time, ${req} AS r
      FROM na WHERE ${ok});
-- only the few unmatched lines are looked up again, by line number
INSERT INTO rejects
SELECT {{source_id}}, line_no, ${lit(`does not match nginx log_format ${fmt.name} (${fmt.origin})`)}, reject_raw(payload)
FROM {{payloads}} WHERE line_no IN (SELECT line_no FROM na WHERE NOT (${ok}));
DROP TABLE na;
`;
}
