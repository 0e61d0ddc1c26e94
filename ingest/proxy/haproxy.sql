-- HAProxy HTTP log (option httplog), optionally behind a syslog prefix:
-- `ip:port [accept date] frontend backend/server Tq/Tw/Tc/Tr/Tt status bytes cookies cookies tsc conns queues {hdrs} "request"`
-- The accept date is local without a zone (--tz applies); the line is written at the end, after Tt ms.
CREATE OR REPLACE TEMP TABLE hp AS
SELECT rowid - {{rowbase}} AS line_no, line,
       regexp_extract(line,
         '^(?:[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \S+ haproxy\[\d+\]: )?(\S+):\d+ \[(\d\d/[A-Za-z]{3}/\d{4}:\d\d:\d\d:\d\d)(\.\d+)?\] (\S+) (\S+)/(\S+) (-?\d+)/(-?\d+)/(-?\d+)/(-?\d+)/\+?(-?\d+) (\d{3}) \+?(\d+) \S+ \S+ (\S{4}) \S+ \S+(?: \{([^}]*)\})?(?: \{([^}]*)\})? "(\S+) (\S+) ?([^"]*)"',
         ['ip', 't', 'frac', 'fe', 'be', 'srv', 'tq', 'tw', 'tc', 'tr', 'tt', 'st', 'sz', 'tsc', 'hreq', 'hres', 'm', 'p', 'proto']) AS g,
       regexp_extract(line, '^[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \S+ haproxy\[(\d+)\]: (.*)$', ['pid', 'msg']) AS s
FROM raw_lines;
INSERT INTO proxy_requests
SELECT {{source_id}}, line_no, 'haproxy', started + to_microseconds(greatest(TRY_CAST(g.tt AS BIGINT), 0) * 1000), g.t || g.frac, true, started,
       g.ip, g.m, redact(g.p), nullif(g.proto, ''), TRY_CAST(g.st AS INTEGER), TRY_CAST(g.sz AS BIGINT),
       TRY_CAST(g.tt AS DOUBLE) / 1000, TRY_CAST(g.tr AS DOUBLE) / 1000, NULL, g.be || '/' || g.srv, NULL, NULL, NULL, NULL, NULL, NULL,
       g.st = '101'
FROM (SELECT *, timezone({{tz}}, strptime(g.t, '%d/%b/%Y:%H:%M:%S')) + to_microseconds(CAST(coalesce(TRY_CAST(('0' || g.frac) AS DOUBLE), 0) * 1000000 AS BIGINT)) AS started
      FROM hp WHERE g.t <> '');
INSERT INTO proxy_errors
SELECT {{source_id}}, line_no, 'haproxy', NULL, NULL, true, NULL, TRY_CAST(s.pid AS INTEGER), NULL,
       CASE WHEN regexp_matches(s.msg, 'reexec|[Rr]eloading|Loading success|started\.') THEN 'reload'
            WHEN regexp_matches(s.msg, 'is DOWN|Connection refused') THEN 'connect-refused'
            WHEN regexp_matches(s.msg, 'Stopping|stopped') THEN 'shutdown' ELSE 'other' END,
       false, redact(s.msg), NULL, NULL, NULL, NULL, NULL
FROM hp WHERE g.t = '' AND s.msg <> '';
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a HAProxy HTTP log line', reject_raw(line) FROM hp WHERE g.t = '' AND s.msg = '' AND line IS NOT NULL;
