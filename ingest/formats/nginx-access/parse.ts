// nginx access log → proxy_requests, parsed inside DuckDB. Most lines are read by the format's split plan (the line cut
// at its quotes and spaces with string_split, each piece checked against the format) in one statement straight into
// proxy_requests; the lines the plan cannot read (an upstream list "0.001, 0.000" outside quotes, a value with a space
// where the format has none) and the formats it cannot express go through the compiled RE2 pattern (regexp_extract
// into a STRUCT, each line matched once). A line neither reads is a reject.
import { lit } from '../../../lib/sql.js';
import type { Step } from '../format.js';
import type { CompiledFormat, SplitPlan } from './log-format.js';

/** A variable's column in the relation the mapping reads: named as nginx names it ("$status"). */
const varCol = (name: string): string => `"$${name}"`;

function field(vars: string[], ...names: string[]): string | undefined {
  for (const n of names) if (vars.includes(n)) return `dash_null(${varCol(n)})`;
  return undefined;
}

function timeExpr(vars: string[]): { ts: string; text: string } {
  for (const [name, ts] of [['msec', (c: string) => `make_timestamptz((TRY_CAST(${c} AS DOUBLE) * 1000000)::BIGINT)`],
    ['time_iso8601', (c: string) => `TRY_CAST(${c} AS TIMESTAMPTZ)`], ['time_local', (c: string) => `try_strptime(${c}, '%d/%b/%Y:%H:%M:%S %z')`]] as const) {
    if (vars.includes(name)) return { ts: ts(varCol(name)), text: varCol(name) };
  }
  // no time of its own: the envelope's stamp (docker) when there is one
  return { ts: 'TRY_CAST(daemon_ts_text AS TIMESTAMPTZ)', text: 'daemon_ts_text' };
}

/** The last number of an upstream list ("0.001, 0.000" → 0.000): the try that answered. */
const lastOfList = (e: string): string => `TRY_CAST(nullif(regexp_extract(${e}, '([0-9.]+)\\s*$', 1), '') AS DOUBLE)`;

/** The capture that is never empty on a match ($status is \d{3}), so a no-match needs no second regex. */
function matchField(vars: string[]): string {
  return vars.includes('status') ? 'status' : vars.find((v) => v.startsWith('time_') || v === 'msec') ?? vars[0];
}

/** proxy_requests rows from a relation with line_no, daemon_ts_text, container and one column per variable. */
function insertRows(fmt: CompiledFormat, relation: string): string {
  const v = fmt.vars;
  const t = timeExpr(v);
  const request = field(v, 'request');
  const req = request ? `regexp_extract(coalesce(${request}, ''), '^(\\S+) (\\S+)(?: (\\S+))?$', ['m', 'p', 'proto'])`
    : `{'m': ${field(v, 'request_method') ?? "''"}, 'p': ${field(v, 'request_uri', 'uri') ?? "''"}, 'proto': ${field(v, 'server_protocol') ?? "''"}}`;
  const col = (e: string | undefined): string => e ?? 'NULL';
  const list = (e: string | undefined): string => (e ? lastOfList(e) : 'NULL');
  const rt = field(v, 'request_time');
  const upgrade = field(v, 'http_upgrade');
  // referer and user agent are free text a client wrote: redacted here, so Store.redactSource has nothing to scan
  return `INSERT INTO proxy_requests BY NAME
SELECT {{source_id}} AS source_id, line_no, 'nginx' AS proxy, container, ts, ts_text, false AS tz_assumed,
       make_timestamptz(epoch_us(ts) - (coalesce(request_time, 0) * 1000000)::BIGINT) AS started_at,
       ${col(field(v, 'remote_addr', 'realip_remote_addr', 'binary_remote_addr'))} AS remote_addr,
       nullif(r.m, '') AS method, redact(nullif(r.p, '')) AS path, nullif(r.proto, '') AS protocol,
       status, TRY_CAST(${col(field(v, 'body_bytes_sent', 'bytes_sent'))} AS BIGINT) AS bytes_sent,
       request_time, ${list(field(v, 'upstream_response_time'))} AS upstream_time, ${col(field(v, 'upstream_status'))} AS upstream_status,
       ${col(field(v, 'upstream_addr'))} AS upstream_addr,
       ${col(field(v, 'host', 'http_host', 'server_name'))} AS host, redact(${col(field(v, 'http_referer'))}) AS referer,
       redact(${col(field(v, 'http_user_agent'))}) AS user_agent,
       ${col(field(v, 'http_x_forwarded_for', 'proxy_add_x_forwarded_for'))} AS xff, ${col(upgrade)} AS upgrade,
       TRY_CAST(${col(field(v, 'pid'))} AS INTEGER) AS worker_pid,
       status = 101 OR lower(coalesce(${col(upgrade)}, '')) = 'websocket' AS is_websocket,
       ${col(field(v, 'proxy_upstream_name'))} AS route,
       status_end_reason(status) AS end_reason,
       ${list(field(v, 'upstream_connect_time'))} AS connect_time, ${list(field(v, 'upstream_header_time'))} AS header_time
FROM (SELECT *, ${t.ts} AS ts, ${t.text} AS ts_text, TRY_CAST(${varCol('status')} AS INTEGER) AS status,
             TRY_CAST(${col(rt)} AS DOUBLE) AS request_time, ${req} AS r
      FROM ${relation})`;
}

/** Lines the split plan reads (those its check matches), straight into proxy_requests. */
function splitSql(fmt: CompiledFormat, plan: SplitPlan): string {
  const values = fmt.vars.map((name) => {
    const f = plan.fields[name];
    const [p, s] = [[...f.prefix].length, [...f.suffix].length];   // the literal's length before and after it
    if (f.word === undefined) {
      return `${p || s ? `substr(q[${f.seg + 1}], ${p + 1}, length(q[${f.seg + 1}]) - ${p + s})` : `q[${f.seg + 1}]`} AS ${varCol(name)}`;
    }
    // the words it covers, the first without the literal before it, the last without the one after it
    const words = Array.from({ length: f.span }, (_, i) => `w${f.seg}[${f.word! + i + 1}]`);
    if (p) words[0] = `substr(${words[0]}, ${p + 1})`;
    if (s) words[f.span - 1] = `left(${words[f.span - 1]}, -${s})`;
    return `${words.join(` || ' ' || `)} AS ${varCol(name)}`;
  });
  const cut = plan.cut.map((seg) => `string_split(q[${seg + 1}], ' ') AS w${seg}`);
  const relation = `(SELECT line_no, daemon_ts_text, container, ${values.join(', ')}
  FROM (SELECT *${cut.length ? ', ' + cut.join(', ') : ''}
        FROM (SELECT line_no, daemon_ts_text, container, string_split(payload, '"') AS q FROM {{payloads}}
              WHERE regexp_full_match(payload, ${lit(plan.check)}))))`;
  return insertRows(fmt, relation);
}

/** Lines through the RE2 pattern (those of `from`): the ones it matches into proxy_requests, the others rejects. */
function regexSql(fmt: CompiledFormat, from: string): string {
  const names = fmt.vars.map((n) => lit(n)).join(', ');
  const ok = `g."${matchField(fmt.vars)}" <> ''`;
  return `
CREATE OR REPLACE TEMP TABLE na AS
SELECT line_no, daemon_ts_text, container, payload, regexp_extract(payload, ${lit(fmt.regex)}, [${names}]) AS g FROM ${from};
${insertRows(fmt, `(SELECT line_no, daemon_ts_text, container, ${fmt.vars.map((n) => `g."${n}" AS ${varCol(n)}`).join(', ')} FROM na WHERE ${ok})`)};
INSERT INTO rejects
SELECT {{source_id}}, line_no, ${lit(`does not match nginx log_format ${fmt.name} (${fmt.origin})`)}, reject_raw(payload) FROM na WHERE NOT (${ok});
DROP TABLE na;
`;
}

export function nginxAccessSteps(fmt: CompiledFormat): Step[] {
  if (!fmt.split) return [regexSql(fmt, '{{payloads}} WHERE payload IS NOT NULL')];
  const plan = fmt.split;
  return [
    async (store, fill) => {
      // Rows carry their line_no, so their order in the table is free: without it DuckDB keeps the insert parallel
      // under the memory limit (kept, it falls back to one thread: twice the time). Only for this statement: the
      // raw tables' rowids must keep file order.
      await store.run('SET preserve_insertion_order = false');
      const inserted = await store.one<{ Count: string }>(fill(splitSql(fmt, plan)))
        .then((r) => Number(r!.Count)).finally(() => store.run('RESET preserve_insertion_order'));
      const lines = Number((await store.one<{ n: string }>(fill('SELECT count(payload) AS n FROM {{payloads}}')))!.n);
      // the rest (none, most often: then nothing more is read) through the regex
      return inserted === lines ? '' : regexSql(fmt, `{{payloads}} p WHERE payload IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM proxy_requests r WHERE r.source_id = {{source_id}} AND r.line_no = p.line_no)`);
    },
  ];
}
