-- Traefik access log, common (CLF) format:
-- `<ip> - <user> [<time>] "<request>" <status> <size> "<referer>" "<ua>" <count> "<router>" "<backend url>" <duration>ms`
CREATE OR REPLACE TEMP TABLE tc AS
SELECT rowid - {{rowbase}} AS line_no, line,
       regexp_extract(line, '^(\S+) \S+ (\S+) \[([^\]]+)\] "(\S+) (\S+) ([^"]*)" (\d{3}) (\S+) "([^"]*)" "([^"]*)" (\d+) "([^"]*)" "([^"]*)" (\d+)ms$',
                      ['ip', 'user', 't', 'm', 'p', 'proto', 'st', 'sz', 'ref', 'ua', 'cnt', 'router', 'backend', 'dur']) AS g
FROM raw_lines;
INSERT INTO proxy_requests
SELECT {{source_id}}, line_no, 'traefik', ts + to_microseconds(TRY_CAST(g.dur AS BIGINT) * 1000), g.t, false, ts,
       g.ip, g.m, redact(g.p), g.proto, TRY_CAST(g.st AS INTEGER), TRY_CAST(dash_null(g.sz) AS BIGINT),
       TRY_CAST(g.dur AS DOUBLE) / 1000, NULL, NULL, dash_null(g.backend), NULL, dash_null(g.ref), dash_null(g.ua), NULL, NULL, NULL,
       g.st = '101'
FROM (SELECT *, try_strptime(g.t, '%d/%b/%Y:%H:%M:%S %z') AS ts FROM tc WHERE g.t <> '');
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a Traefik CLF access line', reject_raw(line) FROM tc WHERE g.t = '' AND line IS NOT NULL;
