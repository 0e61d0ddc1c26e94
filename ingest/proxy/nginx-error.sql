-- nginx error log: `YYYY/MM/DD HH:MM:SS [level] pid#tid: [*conn ]message[, client: …, upstream: "…", …]`.
-- The stamp is local time without a zone: --tz applies and the row is marked tz_assumed.
-- Reload/restart notices (signal, reconfiguring, gracefully shutting down, exiting) mark proxy releases.
CREATE OR REPLACE TEMP TABLE ne AS
SELECT rowid - {{rowbase}} AS line_no, line,
       regexp_extract(line, '^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[(\w+)\] (\d+)#(\d+): (?:\*(\d+) )?(.*)$',
                      ['t', 'lvl', 'pid', 'tid', 'conn', 'msg']) AS g
FROM raw_lines;
INSERT INTO proxy_errors
SELECT {{source_id}}, line_no, 'nginx',
       timezone({{tz}}, strptime(g.t, '%Y/%m/%d %H:%M:%S')), g.t, true, g.lvl,
       TRY_CAST(g.pid AS INTEGER), TRY_CAST(nullif(g.conn, '') AS BIGINT),
       CASE
         WHEN contains(g.msg, 'upstream timed out') THEN 'upstream-timeout'
         WHEN contains(g.msg, 'upstream prematurely closed') THEN 'upstream-prematurely-closed'
         WHEN regexp_matches(g.msg, '\(104: Connection reset by peer\)|reset by peer') THEN 'upstream-reset'
         WHEN regexp_matches(g.msg, 'connect\(\) failed \(111|Connection refused') THEN 'connect-refused'
         WHEN regexp_matches(g.msg, 'SIGHUP|reconfiguring') THEN 'reload'
         WHEN contains(g.msg, 'signal process started') THEN 'signal'
         WHEN regexp_matches(g.msg, '^signal \d+ \(SIG\w+\) received') THEN 'signal'
         WHEN contains(g.msg, 'gracefully shutting down') THEN 'shutdown'
         WHEN regexp_matches(g.msg, '^exit(ing)?$|worker process \d+ exited|^exit$') THEN 'worker-exit'
         WHEN regexp_matches(g.msg, '^start worker process|^nginx/\d|^using the ') THEN 'start'
         ELSE 'other' END,
       contains(g.msg, 'while proxying upgraded connection'),
       redact(g.msg),
       nullif(regexp_extract(g.msg, ', client: ([^,]+)', 1), ''),
       nullif(regexp_extract(g.msg, ', upstream: "([^"]*)"', 1), ''),
       redact(nullif(regexp_extract(g.msg, ', request: "([^"]*)"', 1), '')),
       nullif(regexp_extract(g.msg, ', host: "([^"]*)"', 1), ''),
       nullif(regexp_extract(g.msg, '\((SIG\w+)\)', 1), '')
FROM ne WHERE g.t <> '';
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not an nginx error-log line', reject_raw(line) FROM ne WHERE g.t = '' AND line IS NOT NULL;
