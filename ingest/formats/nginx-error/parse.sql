-- nginx error log: `YYYY/MM/DD HH:MM:SS [level] pid#tid: [*conn ]message[, client: …, upstream: "…", …]`, every level
-- (debug … emerg). The stamp is local time without a zone: --tz applies and the row is marked tz_assumed, unless an
-- envelope (docker) stamped the line. Reload/restart notices (signal, reconfiguring, gracefully shutting down,
-- exiting) mark proxy releases; the lines that say how a connection ended carry an end_reason.
CREATE OR REPLACE TEMP TABLE ne AS
SELECT line_no, daemon_ts_text, container, payload,
       regexp_extract(payload, '^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[(\w+)\] (\d+)#(\d+): (?:\*(\d+) )?(.*)$',
                      ['t', 'lvl', 'pid', 'tid', 'conn', 'msg']) AS g
FROM {{payloads}} WHERE payload IS NOT NULL;
INSERT INTO proxy_errors BY NAME
SELECT {{source_id}} AS source_id, line_no, 'nginx' AS proxy, container,
       coalesce(TRY_CAST(daemon_ts_text AS TIMESTAMPTZ), timezone({{tz}}, strptime(g.t, '%Y/%m/%d %H:%M:%S'))) AS ts,
       coalesce(daemon_ts_text, g.t) AS ts_text, daemon_ts_text IS NULL AS tz_assumed, g.lvl AS level,
       TRY_CAST(g.pid AS INTEGER) AS pid, TRY_CAST(nullif(g.conn, '') AS BIGINT) AS conn_serial,
       CASE
         WHEN contains(g.msg, 'upstream timed out') THEN 'upstream-timeout'
         WHEN contains(g.msg, 'upstream prematurely closed') THEN 'upstream-prematurely-closed'
         WHEN regexp_matches(g.msg, '\(104: Connection reset by peer\)|reset by peer') THEN 'upstream-reset'
         WHEN regexp_matches(g.msg, 'connect\(\) failed \(111|Connection refused|no live upstreams') THEN 'connect-refused'
         WHEN regexp_matches(g.msg, 'client (?:prematurely )?closed|^client timed out') THEN 'client-closed'
         WHEN regexp_matches(g.msg, 'SIGHUP|reconfiguring') THEN 'reload'
         WHEN contains(g.msg, 'signal process started') THEN 'signal'
         WHEN regexp_matches(g.msg, '^signal \d+ \(SIG\w+\) received') THEN 'signal'
         WHEN contains(g.msg, 'gracefully shutting down') THEN 'shutdown'
         WHEN regexp_matches(g.msg, '^exit(ing)?$|worker process \d+ exited|^exit$') THEN 'worker-exit'
         WHEN regexp_matches(g.msg, '^start worker process|^nginx/\d|^using the ') THEN 'start'
         ELSE 'other' END AS kind,
       contains(g.msg, 'while proxying upgraded connection') AS upgraded,
       redact(g.msg) AS message,
       nullif(regexp_extract(g.msg, ', client: ([^,]+)', 1), '') AS client,
       nullif(regexp_extract(g.msg, ', upstream: "([^"]*)"', 1), '') AS upstream,
       redact(nullif(regexp_extract(g.msg, ', request: "([^"]*)"', 1), '')) AS request,
       nullif(regexp_extract(g.msg, ', host: "([^"]*)"', 1), '') AS host,
       nullif(regexp_extract(g.msg, '\((SIG\w+)\)', 1), '') AS signal,
       CASE
         WHEN contains(g.msg, 'upstream timed out') THEN 'server-timeout'
         WHEN starts_with(g.msg, 'client timed out') THEN 'client-timeout'
         WHEN regexp_matches(g.msg, 'client (?:prematurely )?closed') THEN 'client-closed'
         WHEN regexp_matches(g.msg, 'upstream prematurely closed|reset by peer') THEN 'server-closed'
         WHEN regexp_matches(g.msg, 'connect\(\) (?:to \S+ )?failed|no live upstreams') THEN 'connect-failed' END AS end_reason
FROM ne WHERE g.t <> '';
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not an nginx error-log line', reject_raw(payload) FROM ne WHERE g.t = '';
DROP TABLE ne;
