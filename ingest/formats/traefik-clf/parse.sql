-- Traefik access log, common format (v1, v2, v3):
-- `<ip> - <user> [<time>] "<request>" <status> <size> "<referer>" "<ua>" <count> "<router>" "<server url>" <duration>ms`
-- v1 names a frontend and a backend URL where v2/v3 name a router and a server URL ("backend not found" when none
-- matched); status and size are `-` when no response was written; an empty router or URL may be a bare `-`.
CREATE OR REPLACE TEMP TABLE tc AS
SELECT line_no, daemon_ts_text, container, payload,
       regexp_extract(payload, '^(\S+) \S+ (\S+) \[([^\]]+)\] "(\S+) (\S+) ([^"]*)" (\d{3}|-) (\S+) "([^"]*)" "([^"]*)" (\d+) (?:"([^"]*)"|-) (?:"([^"]*)"|-) (\d+)ms$',
                      ['ip', 'user', 't', 'm', 'p', 'proto', 'st', 'sz', 'ref', 'ua', 'cnt', 'router', 'backend', 'dur']) AS g
FROM {{payloads}} WHERE payload IS NOT NULL;
INSERT INTO proxy_requests BY NAME
SELECT {{source_id}} AS source_id, line_no, 'traefik' AS proxy, container,
       ts + to_microseconds(TRY_CAST(g.dur AS BIGINT) * 1000) AS ts, g.t AS ts_text, false AS tz_assumed, ts AS started_at,
       g.ip AS remote_addr, g.m AS method, redact(g.p) AS path, g.proto AS protocol, TRY_CAST(dash_null(g.st) AS INTEGER) AS status,
       TRY_CAST(dash_null(g.sz) AS BIGINT) AS bytes_sent, TRY_CAST(g.dur AS DOUBLE) / 1000 AS request_time,
       dash_null(g.backend) AS upstream_addr, dash_null(g.router) AS route, redact(dash_null(g.ref)) AS referer, redact(dash_null(g.ua)) AS user_agent,
       g.st = '101' AS is_websocket, status_end_reason(TRY_CAST(dash_null(g.st) AS INTEGER)) AS end_reason
FROM (SELECT *, try_strptime(g.t, '%d/%b/%Y:%H:%M:%S %z') AS ts FROM tc WHERE g.t <> '');
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a Traefik CLF access line', reject_raw(payload) FROM tc WHERE g.t = '';
DROP TABLE tc;
