-- Envoy default access log format (with or without the 1.22+ response-code-details fields):
-- `[START_TIME] "METHOD PATH PROTOCOL" CODE FLAGS [DETAILS TERMINATION "FAILURE"] RX TX DURATION UPSTREAM_TIME "XFF" "UA" "REQ-ID" "AUTHORITY" "UPSTREAM" …`
CREATE OR REPLACE TEMP TABLE ev AS
SELECT rowid - {{rowbase}} AS line_no, line,
       regexp_extract(line,
         '^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))\] "(\S+) (\S+) ([^"]*)" (\d{3}) (\S+)(?: \S+ \S+ "[^"]*")? (\d+) (\d+) (\d+) (\S+) "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)"',
         ['t', 'm', 'p', 'proto', 'st', 'flags', 'rx', 'tx', 'dur', 'ust', 'xff', 'ua', 'rid', 'auth', 'up']) AS g
FROM raw_lines;
INSERT INTO proxy_requests
SELECT {{source_id}}, line_no, 'envoy', started + to_microseconds(TRY_CAST(g.dur AS BIGINT) * 1000), g.t, false, started,
       NULL, g.m, redact(g.p), g.proto, TRY_CAST(g.st AS INTEGER), TRY_CAST(g.tx AS BIGINT),
       TRY_CAST(g.dur AS DOUBLE) / 1000, TRY_CAST(dash_null(g.ust) AS DOUBLE) / 1000, NULL, dash_null(g.up), dash_null(g.auth),
       NULL, dash_null(g.ua), dash_null(g.xff), NULL, NULL, g.st = '101'
FROM (SELECT *, TRY_CAST(g.t AS TIMESTAMPTZ) AS started FROM ev WHERE g.t <> '');
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not an Envoy access-log line', reject_raw(line) FROM ev WHERE g.t = '' AND line IS NOT NULL;
