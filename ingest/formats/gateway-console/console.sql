-- Console payload → record. Shapes: compact `<ISO ±HH:MM|Z> [sub] msg`, pretty `HH:MM:SS [sub] msg`,
-- json `{"time","level","subsystem","message"}`, and raw captured console.* / client lines (often unstamped).
-- Level: the line's own (json), else the message colour (red error, yellow warn), else stderr → warn, else info.
-- One statement, each step a projection over the one before (each expression evaluated once per row, nothing copied
-- in between). The layout `[stamp ][[sub] ]message` is split once with string functions and capture-free full
-- matches: a capturing regex over it is not one-pass for RE2 and costs ten times more on big logs.
INSERT INTO gw_stage
SELECT line_no, line_count, daemon_ts_text, container, stream, shape, ts_text,
       CASE WHEN own_ts IS NOT NULL THEN own_ts ELSE TRY_CAST(daemon_ts_text AS TIMESTAMPTZ) END,
       CASE WHEN own_ts IS NOT NULL OR daemon_ts_text IS NOT NULL THEN false END,
       level, subsystem, message, NULL
FROM (
  SELECT line_no, line_count, daemon_ts_text, container, stream,
         CASE WHEN is_json THEN 'json-console' WHEN iso IS NOT NULL THEN 'compact' WHEN hms IS NOT NULL THEN 'pretty' ELSE 'raw' END AS shape,
         CASE WHEN is_json THEN cj->>'$.time' ELSE coalesce(iso, hms, daemon_ts_text) END AS ts_text,
         CASE WHEN is_json THEN TRY_CAST(cj->>'$.time' AS TIMESTAMPTZ) WHEN iso IS NOT NULL THEN TRY_CAST(iso AS TIMESTAMPTZ) END AS own_ts,
         CASE WHEN is_json THEN lower(cj->>'$.level') WHEN colour = '31' THEN 'error' WHEN colour = '33' THEN 'warn'
              WHEN stream = 'stderr' THEN 'warn' ELSE 'info' END AS level,
         CASE WHEN is_json THEN cj->>'$.subsystem' ELSE sub END AS subsystem,
         redact(CASE WHEN is_json THEN coalesce(cj->>'$.message', cj->>'$.raw') ELSE msg END) AS message
  FROM (SELECT *, coalesce(cj IS NOT NULL AND (json_exists(cj, '$.message') OR json_exists(cj, '$.type')), false) AS is_json,
               CASE WHEN bracketed THEN substr(after, 2, sub_end - 2) END AS sub,
               CASE WHEN bracketed THEN substr(after, sub_end + 2) ELSE after END AS msg
        FROM (SELECT *, starts_with(after, '[') AND sub_end BETWEEN 3 AND 66 AS bracketed
              FROM (SELECT *, position('] ' IN after) AS sub_end
                    FROM (SELECT line_no, line_count, daemon_ts_text, container, stream, colour,
                                 CASE WHEN left(clean, 1) = '{' THEN TRY_CAST(clean AS JSON) END AS cj,
                                 CASE WHEN is_iso THEN first END AS iso, CASE WHEN is_hms THEN first END AS hms,
                                 CASE WHEN is_iso OR is_hms THEN substr(clean, length(first) + 2) ELSE clean END AS after
                          FROM (SELECT *, regexp_full_match(first, '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)') AS is_iso,
                                          regexp_full_match(first, '\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d)?') AS is_hms
                                FROM (SELECT *, split_part(clean, ' ', 1) AS first
                                      FROM (SELECT line_no, line_count, daemon_ts_text, container, stream,
                                                   CASE WHEN contains(payload, chr(27)) THEN strip_ansi(payload) ELSE payload END AS clean,
                                                   CASE WHEN contains(payload, chr(27)) THEN regexp_extract(payload, '\](?:\x1b\[[0-9;]*m)* \x1b\[(3[13])m', 1) ELSE '' END AS colour
                                            FROM {{payloads}} WHERE payload IS NOT NULL))))))));
