-- Caddy JSON logs. `handled request` records of the http.log.access loggers become requests (written when the
-- handler returns, so a WebSocket's line comes at its close with `duration` = its lifetime). Other records
-- (reverse_proxy errors, config loads) become proxy_errors.
CREATE OR REPLACE TEMP TABLE cj AS
SELECT rowid - {{rowbase}} AS line_no, line, TRY_CAST(line AS JSON) AS j, coalesce(left(line, 1) = '{' AND TRY_CAST(line AS JSON) IS NOT NULL, false) AS ok FROM raw_lines;
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a JSON record', reject_raw(line) FROM cj WHERE NOT ok AND line IS NOT NULL;
CREATE OR REPLACE TEMP TABLE cj2 AS
SELECT line_no, line, j,
       CASE WHEN json_type(j, '$.ts') IN ('DOUBLE', 'UBIGINT', 'BIGINT')
            THEN make_timestamptz((TRY_CAST(j->>'$.ts' AS DOUBLE) * 1000000)::BIGINT)
            ELSE TRY_CAST(j->>'$.ts' AS TIMESTAMPTZ) END AS ts,
       j->>'$.ts' AS ts_text,
       coalesce(j->>'$.msg' = 'handled request' OR json_exists(j, '$.request.method'), false) AS is_access
FROM cj WHERE ok;
INSERT INTO proxy_requests
SELECT {{source_id}}, line_no, 'caddy', ts, ts_text, false,
       ts - to_microseconds((coalesce(TRY_CAST(j->>'$.duration' AS DOUBLE), 0) * 1000000)::BIGINT),
       coalesce(j->>'$.request.client_ip', j->>'$.request.remote_ip'),
       j->>'$.request.method', redact(j->>'$.request.uri'), j->>'$.request.proto',
       TRY_CAST(j->>'$.status' AS INTEGER), TRY_CAST(j->>'$.size' AS BIGINT),
       TRY_CAST(j->>'$.duration' AS DOUBLE), NULL, NULL, NULL,
       j->>'$.request.host',
       j->>'$.request.headers.Referer[0]', j->>'$.request.headers.User-Agent[0]',
       j->>'$.request.headers.X-Forwarded-For[0]', j->>'$.request.headers.Upgrade[0]', NULL,
       TRY_CAST(j->>'$.status' AS INTEGER) = 101 OR lower(coalesce(j->>'$.request.headers.Upgrade[0]', '')) = 'websocket'
FROM cj2 WHERE is_access;
INSERT INTO proxy_errors
SELECT {{source_id}}, line_no, 'caddy', ts, ts_text, false, j->>'$.level', NULL, NULL,
       CASE WHEN regexp_matches(coalesce(j->>'$.error', ''), 'connection refused') THEN 'connect-refused'
            WHEN regexp_matches(coalesce(j->>'$.error', '') || coalesce(j->>'$.msg', ''), 'timeout|deadline exceeded') THEN 'upstream-timeout'
            WHEN regexp_matches(coalesce(j->>'$.error', ''), 'reset by peer|unexpected EOF') THEN 'upstream-reset'
            WHEN regexp_matches(coalesce(j->>'$.msg', ''), '^(load complete|using config from file|config is unchanged|started background certificate maintenance)') THEN 'reload'
            WHEN regexp_matches(coalesce(j->>'$.msg', ''), '^(stopped previous server|shutting down|exiting)') THEN 'shutdown'
            ELSE 'other' END,
       contains(coalesce(j->>'$.msg', ''), 'websocket'),
       redact(concat_ws(': ', j->>'$.msg', j->>'$.error')),
       j->>'$.request.remote_ip', j->>'$.upstream', redact(j->>'$.request.uri'), j->>'$.request.host', NULL
FROM cj2 WHERE NOT is_access;
