-- Console payload → record. Shapes: compact `<ISO ±HH:MM|Z> [sub] msg`, pretty `HH:MM:SS [sub] msg`,
-- json `{"time","level","subsystem","message"}`, and raw captured console.* / client lines (often unstamped).
-- Level: the line's own (json), else the message colour (red error, yellow warn), else stderr → warn, else info.
INSERT INTO gw_stage
SELECT line_no, line_count, daemon_ts_text, container, stream, shape, ts_text,
       CASE WHEN own_ts IS NOT NULL THEN own_ts ELSE TRY_CAST(daemon_ts_text AS TIMESTAMPTZ) END,
       CASE WHEN own_ts IS NOT NULL OR daemon_ts_text IS NOT NULL THEN false END,
       level, subsystem, message, meta
FROM (
  SELECT line_no, line_count, daemon_ts_text, container, stream,
         CASE WHEN is_json THEN 'json-console' WHEN g.iso <> '' THEN 'compact' WHEN g.hms <> '' THEN 'pretty' ELSE 'raw' END AS shape,
         CASE WHEN is_json THEN cj->>'$.time' WHEN g.iso <> '' THEN g.iso WHEN g.hms <> '' THEN g.hms ELSE daemon_ts_text END AS ts_text,
         CASE WHEN is_json THEN TRY_CAST(cj->>'$.time' AS TIMESTAMPTZ) WHEN g.iso <> '' THEN TRY_CAST(g.iso AS TIMESTAMPTZ) END AS own_ts,
         CASE WHEN is_json THEN lower(cj->>'$.level')
              WHEN regexp_matches(payload, '\](?:\x1b\[[0-9;]*m)* \x1b\[31m|^(?:\x1b\[[0-9;]*m)*\x1b\[31m') THEN 'error'
              WHEN regexp_matches(payload, '\](?:\x1b\[[0-9;]*m)* \x1b\[33m|^(?:\x1b\[[0-9;]*m)*\x1b\[33m') THEN 'warn'
              WHEN stream = 'stderr' THEN 'warn' ELSE 'info' END AS level,
         CASE WHEN is_json THEN cj->>'$.subsystem' ELSE nullif(g.sub, '') END AS subsystem,
         redact(CASE WHEN is_json THEN coalesce(cj->>'$.message', cj->>'$.raw') ELSE g.msg END) AS message,
         NULL AS meta
  FROM (SELECT *, coalesce(cj IS NOT NULL AND (json_exists(cj, '$.message') OR json_exists(cj, '$.type')), false) AS is_json
        FROM (SELECT *, strip_ansi(payload) AS clean,
               CASE WHEN left(ltrim(strip_ansi(payload)), 1) = '{' THEN TRY_CAST(strip_ansi(payload) AS JSON) END AS cj,
               regexp_extract(strip_ansi(payload),
                 '^(?:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))|(\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d)?))? ?(?:\[([^\]]{1,64})\] )?(.*)$',
                 ['iso', 'hms', 'sub', 'msg']) AS g
        FROM gw_a)));
