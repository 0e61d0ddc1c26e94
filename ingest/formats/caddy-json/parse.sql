-- Caddy's JSON logs. `handled request` records of the http.log.access loggers become requests (written when the
-- handler returns, so a WebSocket's line comes at its close with `duration` = its lifetime; Caddy 2.6 logs such a
-- tunnel as status 0, with the Upgrade request headers). Its other records (stderr: reverse_proxy dial errors, admin
-- API, config loads, shutdown) become proxy_errors.
CREATE OR REPLACE TEMP TABLE cj AS
SELECT line_no, container, payload, TRY_CAST(payload AS JSON) AS j, coalesce(left(payload, 1) = '{' AND TRY_CAST(payload AS JSON) IS NOT NULL, false) AS ok
FROM {{payloads}} WHERE payload IS NOT NULL;
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a JSON record', reject_raw(payload) FROM cj WHERE NOT ok;
CREATE OR REPLACE TEMP TABLE cj2 AS
SELECT line_no, container, j,
       CASE WHEN json_type(j, '$.ts') IN ('DOUBLE', 'UBIGINT', 'BIGINT')
            THEN make_timestamptz((TRY_CAST(j->>'$.ts' AS DOUBLE) * 1000000)::BIGINT)
            ELSE TRY_CAST(j->>'$.ts' AS TIMESTAMPTZ) END AS ts,
       j->>'$.ts' AS ts_text,
       coalesce(j->>'$.msg' = 'handled request' OR starts_with(j->>'$.logger', 'http.log.access'), false) AS is_access,
       TRY_CAST(j->>'$.status' AS INTEGER) AS status,
       lower(coalesce(j->>'$.request.headers.Upgrade[0]', '')) = 'websocket' AS upgrade_asked,
       concat_ws(': ', j->>'$.msg', j->>'$.error') AS text
FROM cj WHERE ok;
DROP TABLE cj;
INSERT INTO proxy_requests BY NAME
SELECT {{source_id}} AS source_id, line_no, 'caddy' AS proxy, container, ts, ts_text, false AS tz_assumed,
       ts - to_microseconds((coalesce(TRY_CAST(j->>'$.duration' AS DOUBLE), 0) * 1000000)::BIGINT) AS started_at,
       coalesce(j->>'$.request.client_ip', j->>'$.request.remote_ip') AS remote_addr,
       j->>'$.request.method' AS method, redact(j->>'$.request.uri') AS path, j->>'$.request.proto' AS protocol,
       status, TRY_CAST(j->>'$.size' AS BIGINT) AS bytes_sent, TRY_CAST(j->>'$.duration' AS DOUBLE) AS request_time,
       j->>'$.request.host' AS host,
       redact(j->>'$.request.headers.Referer[0]') AS referer, redact(j->>'$.request.headers.User-Agent[0]') AS user_agent,
       j->>'$.request.headers.X-Forwarded-For[0]' AS xff, j->>'$.request.headers.Upgrade[0]' AS upgrade,
       status = 101 OR upgrade_asked AS is_websocket,
       j->>'$.logger' AS route,
       status_end_reason(status) AS end_reason
FROM cj2 WHERE is_access;
INSERT INTO proxy_errors BY NAME
SELECT {{source_id}} AS source_id, line_no, 'caddy' AS proxy, container, ts, ts_text, false AS tz_assumed, j->>'$.level' AS level,
       CASE WHEN regexp_matches(text, 'connection refused|no such host|connect: ') THEN 'connect-refused'
            WHEN regexp_matches(text, 'timeout|deadline exceeded') THEN 'upstream-timeout'
            WHEN regexp_matches(text, 'reset by peer|unexpected EOF') THEN 'upstream-reset'
            WHEN regexp_matches(text, 'context canceled') THEN 'client-closed'
            WHEN regexp_matches(coalesce(j->>'$.msg', ''), '^(load complete|using provided configuration|using config from file|config is unchanged|received request|started background certificate maintenance)') THEN 'reload'
            WHEN regexp_matches(coalesce(j->>'$.msg', ''), '^(stopped previous server|shutting down|exiting|shutdown complete|SIGINT|SIGTERM|SIGQUIT)') THEN 'shutdown'
            WHEN regexp_matches(coalesce(j->>'$.msg', ''), '^(server running|serving initial configuration|admin endpoint started|autosaved config)') THEN 'start'
            ELSE 'other' END AS kind,
       contains(lower(text), 'websocket') AS upgraded,
       redact(text) AS message,
       coalesce(j->>'$.request.client_ip', j->>'$.request.remote_ip') AS client, j->>'$.upstream' AS upstream,
       redact(concat_ws(' ', j->>'$.request.method', j->>'$.request.uri')) AS request, j->>'$.request.host' AS host,
       CASE WHEN regexp_matches(text, 'connection refused|no such host|dial tcp') THEN 'connect-failed'
            WHEN regexp_matches(text, 'i/o timeout|deadline exceeded') THEN 'server-timeout'
            WHEN regexp_matches(text, 'reset by peer|unexpected EOF') THEN 'server-closed'
            WHEN regexp_matches(text, 'context canceled') THEN 'client-closed' END AS end_reason
FROM cj2 WHERE NOT is_access;
DROP TABLE cj2;
