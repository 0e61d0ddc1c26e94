-- Envoy access logs: the default format string (with or without the 1.22+ response-code-details fields and Istio's
-- trailing cluster/address/route fields):
-- `[START_TIME] "METHOD PATH PROTOCOL" CODE FLAGS [DETAILS TERMINATION "FAILURE"] RX TX DURATION UPSTREAM_TIME "XFF" "UA" "REQ-ID" "AUTHORITY" "UPSTREAM" [CLUSTER LOCAL DOWNSTREAM_LOCAL DOWNSTREAM_REMOTE SNI ROUTE]`
-- and a JSON format dictionary named after the command operators (start_time, response_code, response_flags, …, as
-- Istio's default JSON encoding names them). CODE 0: no response was sent (the downstream went away).
CREATE OR REPLACE TEMP TABLE ev AS
SELECT line_no, container, payload,
       CASE WHEN left(payload, 1) = '{' THEN TRY_CAST(payload AS JSON) END AS j,
       regexp_extract(payload,
         '^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))\] "(\S+) (\S+) ([^"]*)" (\d{1,3}) (\S+)(?: (\S+) (\S+) "([^"]*)")? (\d+) (\d+) (\d+) (\S+) "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)"(?: (\S+) (\S+) (\S+) (\S+) (\S+) (\S+))?',
         ['t', 'm', 'p', 'proto', 'st', 'flags', 'details', 'term', 'fail', 'rx', 'tx', 'dur', 'ust', 'xff', 'ua', 'rid', 'auth', 'up', 'cluster', 'ulocal', 'dlocal', 'dremote', 'sni', 'route']) AS g
FROM {{payloads}} WHERE payload IS NOT NULL;
CREATE OR REPLACE TEMP TABLE ev2 AS
SELECT line_no, container,
       CASE WHEN g.t <> '' THEN g.t ELSE j->>'$.start_time' END AS t,
       CASE WHEN g.t <> '' THEN g.m ELSE j->>'$.method' END AS m,
       CASE WHEN g.t <> '' THEN g.p ELSE j->>'$.path' END AS p,
       CASE WHEN g.t <> '' THEN g.proto ELSE j->>'$.protocol' END AS proto,
       TRY_CAST(CASE WHEN g.t <> '' THEN g.st ELSE j->>'$.response_code' END AS INTEGER) AS st,
       dash_null(CASE WHEN g.t <> '' THEN g.flags ELSE j->>'$.response_flags' END) AS flags,
       TRY_CAST(CASE WHEN g.t <> '' THEN g.tx ELSE j->>'$.bytes_sent' END AS BIGINT) AS tx,
       TRY_CAST(CASE WHEN g.t <> '' THEN g.dur ELSE j->>'$.duration' END AS BIGINT) AS dur,
       TRY_CAST(dash_null(CASE WHEN g.t <> '' THEN g.ust ELSE j->>'$.upstream_service_time' END) AS DOUBLE) AS ust,
       dash_null(CASE WHEN g.t <> '' THEN g.xff ELSE j->>'$.x_forwarded_for' END) AS xff,
       dash_null(CASE WHEN g.t <> '' THEN g.ua ELSE j->>'$.user_agent' END) AS ua,
       dash_null(CASE WHEN g.t <> '' THEN g.auth ELSE j->>'$.authority' END) AS auth,
       dash_null(CASE WHEN g.t <> '' THEN g.up ELSE j->>'$.upstream_host' END) AS up,
       dash_null(CASE WHEN g.t <> '' THEN nullif(g.route, '') ELSE j->>'$.route_name' END) AS route,
       dash_null(CASE WHEN g.t <> '' THEN nullif(g.dremote, '') ELSE j->>'$.downstream_remote_address' END) AS dremote,
       g.t <> '' OR json_exists(j, '$.response_code') AS ok, payload
FROM ev;
DROP TABLE ev;
INSERT INTO proxy_requests BY NAME
SELECT {{source_id}} AS source_id, line_no, 'envoy' AS proxy, container,
       started + to_microseconds(dur * 1000) AS ts, t AS ts_text, false AS tz_assumed, started AS started_at,
       regexp_replace(dremote, ':\d+$', '') AS remote_addr, m AS method, redact(p) AS path, proto AS protocol,
       st AS status, tx AS bytes_sent, dur / 1000 AS request_time, ust / 1000 AS upstream_time, up AS upstream_addr,
       auth AS host, redact(ua) AS user_agent, xff, st = 101 AS is_websocket, route,
       flags AS end_state, coalesce(envoy_end_reason(flags), status_end_reason(st), CASE WHEN st = 0 THEN 'client-closed' END) AS end_reason
FROM (SELECT *, TRY_CAST(t AS TIMESTAMPTZ) AS started FROM ev2 WHERE ok);
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not an Envoy access-log line', reject_raw(payload) FROM ev2 WHERE NOT ok;
DROP TABLE ev2;
