-- HAProxy, every shape it writes (payloads: a log file's lines, or what an envelope — syslog, docker — unwrapped):
--   httplog  `ip:port [accept date] fe be/srv TR/Tw/Tc/Tr/Ta status bytes CC CS tsc ac/fc/bc/sc/rc sq/bq [{hdrs}] "request"`
--   tcplog   `ip:port [accept date] fe be/srv Tw/Tc/Tt bytes ts ac/fc/bc/sc/rc sq/bq`
--   clf      `ip - - [date +zone] "request" status bytes "" "" cport ms "fe" "be" "srv" TR Tw Tc Tr Ta tsc ac fc bc sc rc sq bq "CC" "CS" …`
--   JSON     a `log-format '{"client_ip":"%ci",…}'` with HAProxy's own names for the fields (see samples)
--   errors   `ip:port [accept date] frontend/bind: message` (a connection that never became a request: TLS handshake…)
--   notices  `[NOTICE]   (pid) : …` on stderr, or the bare message through a log target: reloads, workers, server UP/DOWN,
--            proxies stopped, hard stops.
-- The accept date has no zone (--tz applies) unless the envelope stamped the line (docker, RFC 5424): that stamp is the
-- line's write time, which is the session's end. Timers of -1 (phase never reached) are NULL.
CREATE OR REPLACE TEMP TABLE hp AS
SELECT line_no, daemon_ts_text, container, payload,
       CASE WHEN left(payload, 1) = '{' THEN TRY_CAST(payload AS JSON) END AS j,
       regexp_extract(payload,
         '^(\S+):(\d+) \[(\d\d/[A-Za-z]{3}/\d{4}:\d\d:\d\d:\d\d)(\.\d+)?\] (\S+) (\S+)/(\S+) (?:(-?\d+)/(-?\d+)/(-?\d+)/(-?\d+)/\+?(-?\d+) (\d{3}|-1) \+?(\d+) \S+ \S+ (\S{4})|(-?\d+)/(-?\d+)/\+?(-?\d+) \+?(\d+) (\S{2})) \d+/\d+/\d+/\d+/\+?\d+ \d+/\d+(?: \{([^}]*)\})?(?: \{([^}]*)\})?(?: "(\S+) (\S+) ?([^"]*)")?$',
         ['ip', 'port', 't', 'frac', 'fe', 'be', 'srv', 'tq', 'tw', 'tc', 'tr', 'ta', 'st', 'sz', 'tsc', 'tcp_tw', 'tcp_tc', 'tcp_tt', 'tcp_sz', 'tcp_ts', 'hreq', 'hres', 'm', 'p', 'proto']) AS g,
       regexp_extract(payload,
         '^(\S+) \S+ \S+ \[(\d\d/[A-Za-z]{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "(\S+) (\S+) ?([^"]*)" (\d{3}|-1) \+?(\d+) "[^"]*" "[^"]*" (\d+) \d+ "([^"]*)" "([^"]*)" "([^"]*)" (-?\d+) (-?\d+) (-?\d+) (-?\d+) \+?(-?\d+) (\S{4}) ',
         ['ip', 't', 'm', 'p', 'proto', 'st', 'sz', 'port', 'fe', 'be', 'srv', 'tq', 'tw', 'tc', 'tr', 'ta', 'tsc']) AS c,
       regexp_extract(payload, '^\[(NOTICE|WARNING|ALERT|EMERG|CRIT|ERR|INFO|DEBUG)\] +\((\d+)\) : (.*)$', ['lvl', 'pid', 'msg']) AS n,
       regexp_extract(payload, '^(\S+):\d+ \[\d\d/[A-Za-z]{3}/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)?\] (\S+/\S+): (.+)$', ['ip', 'fe', 'msg']) AS e
FROM {{payloads}} WHERE payload IS NOT NULL;

CREATE OR REPLACE TEMP TABLE hp2 AS
SELECT line_no, daemon_ts_text, container, payload,
       CASE WHEN g.t <> '' THEN 'log' WHEN c.t <> '' THEN 'clf' WHEN json_exists(j, '$.termination_state') THEN 'json'
            WHEN n.msg <> '' THEN 'notice'
            WHEN e.msg <> '' THEN 'conn-error'
            WHEN regexp_matches(payload, '^(?:Proxy \S+ (?:started|stopped|hard-stopped|paused|resumed)|(?:Server|Backup Server) \S+/\S+ is (?:UP|DOWN|going DOWN|MAINT)|backend \S+ has no server available|Stopping (?:frontend|backend|proxy) |Pausing (?:frontend|proxy) |Health check for (?:backup )?server |soft-stop running for too long|Reexecuting Master process|Loading success|New worker|Former worker|Current worker|All workers exited|Exiting Master process|Reloading HAProxy|haproxy version is|path to executable is)')
              THEN 'message'
            ELSE 'none' END AS shape,
       -- one record of every shape: (ip, port, date text, fe, be, srv, TR, Tw, Tc, Tr, Ta-or-Tt, status, bytes, tsc, method, path, proto, upgrade)
       CASE WHEN g.t <> '' THEN g.ip WHEN c.t <> '' THEN c.ip ELSE j->>'$.client_ip' END AS ip,
       CASE WHEN g.t <> '' THEN g.t || g.frac WHEN c.t <> '' THEN c.t ELSE j->>'$.request_date' END AS t,
       CASE WHEN g.t <> '' THEN g.fe WHEN c.t <> '' THEN c.fe ELSE j->>'$.frontend_name' END AS fe,
       CASE WHEN g.t <> '' THEN g.be || '/' || g.srv WHEN c.t <> '' THEN c.be || '/' || c.srv ELSE (j->>'$.backend_name') || '/' || (j->>'$.server_name') END AS bs,
       TRY_CAST(CASE WHEN g.tq <> '' THEN g.tq WHEN c.t <> '' THEN c.tq ELSE j->>'$.time_to_receive' END AS BIGINT) AS t_req,
       TRY_CAST(CASE WHEN g.tq <> '' THEN g.tw WHEN g.t <> '' THEN g.tcp_tw WHEN c.t <> '' THEN c.tw ELSE j->>'$.time_waiting' END AS BIGINT) AS t_w,
       TRY_CAST(CASE WHEN g.tq <> '' THEN g.tc WHEN g.t <> '' THEN g.tcp_tc WHEN c.t <> '' THEN c.tc ELSE j->>'$.time_to_connect' END AS BIGINT) AS t_c,
       TRY_CAST(CASE WHEN g.tq <> '' THEN g.tr WHEN c.t <> '' THEN c.tr ELSE j->>'$.time_to_response' END AS BIGINT) AS t_r,
       TRY_CAST(CASE WHEN g.tq <> '' THEN g.ta WHEN g.t <> '' THEN g.tcp_tt WHEN c.t <> '' THEN c.ta ELSE coalesce(j->>'$.time_active', j->>'$.total_time') END AS BIGINT) AS t_a,
       TRY_CAST(CASE WHEN g.tq <> '' THEN g.st WHEN c.t <> '' THEN c.st ELSE j->>'$.status_code' END AS INTEGER) AS st,
       TRY_CAST(CASE WHEN g.tq <> '' THEN g.sz WHEN g.t <> '' THEN g.tcp_sz WHEN c.t <> '' THEN c.sz ELSE j->>'$.bytes_read' END AS BIGINT) AS sz,
       CASE WHEN g.tq <> '' THEN g.tsc WHEN g.t <> '' THEN g.tcp_ts WHEN c.t <> '' THEN c.tsc ELSE j->>'$.termination_state' END AS tsc,
       CASE WHEN g.t <> '' THEN nullif(g.m, '') WHEN c.t <> '' THEN c.m ELSE nullif(split_part(j->>'$.request', ' ', 1), '') END AS m,
       CASE WHEN g.t <> '' THEN nullif(g.p, '') WHEN c.t <> '' THEN c.p ELSE nullif(split_part(j->>'$.request', ' ', 2), '') END AS p,
       CASE WHEN g.t <> '' THEN nullif(g.proto, '') WHEN c.t <> '' THEN nullif(c.proto, '') ELSE nullif(split_part(j->>'$.request', ' ', 3), '') END AS proto,
       -- a captured request header (`capture request header Upgrade`) is the first {…} block
       CASE WHEN g.t <> '' AND lower(g.hreq) LIKE '%websocket%' THEN 'websocket' END AS upgrade,
       g.tq = '' AND g.t <> '' AS tcp,
       n.lvl, n.pid, CASE WHEN n.msg <> '' THEN n.msg WHEN e.msg <> '' THEN e.msg ELSE payload END AS msg,
       nullif(e.ip, '') AS client, nullif(e.fe, '') AS bind
FROM hp;
DROP TABLE hp;

INSERT INTO proxy_requests BY NAME
SELECT {{source_id}} AS source_id, line_no, 'haproxy' AS proxy, container,
       coalesce(TRY_CAST(daemon_ts_text AS TIMESTAMPTZ), started + to_microseconds(greatest(coalesce(t_a, 0), 0) * 1000)) AS ts,
       coalesce(daemon_ts_text, t) AS ts_text,
       daemon_ts_text IS NULL AND NOT zoned AS tz_assumed,
       coalesce(started, TRY_CAST(daemon_ts_text AS TIMESTAMPTZ) - to_microseconds(greatest(coalesce(t_a, 0), 0) * 1000)) AS started_at,
       ip AS remote_addr, m AS method, redact(p) AS path, proto AS protocol, nullif(st, -1) AS status, sz AS bytes_sent,
       CASE WHEN t_a >= 0 THEN t_a / 1000 END AS request_time, CASE WHEN t_r >= 0 THEN t_r / 1000 END AS upstream_time,
       bs AS upstream_addr, fe AS route, upgrade,
       coalesce(upgrade = 'websocket', false) OR st = 101 AS is_websocket,
       tsc AS end_state, haproxy_end_reason(tsc) AS end_reason,
       CASE WHEN t_w >= 0 THEN t_w / 1000 END AS queue_time, CASE WHEN t_c >= 0 THEN t_c / 1000 END AS connect_time,
       CASE WHEN t_r >= 0 THEN t_r / 1000 END AS header_time
FROM (SELECT *, regexp_matches(t, ' [+-]\d{4}$') AS zoned,
             CASE WHEN regexp_matches(t, ' [+-]\d{4}$') THEN try_strptime(t, '%d/%b/%Y:%H:%M:%S %z')
                  ELSE timezone({{tz}}, try_strptime(t, ['%d/%b/%Y:%H:%M:%S.%g', '%d/%b/%Y:%H:%M:%S'])) END AS started
      FROM hp2 WHERE shape IN ('log', 'clf', 'json'));

INSERT INTO proxy_errors BY NAME
SELECT {{source_id}} AS source_id, line_no, 'haproxy' AS proxy, container,
       -- a notice has no stamp of its own: only an envelope's dates it
       TRY_CAST(daemon_ts_text AS TIMESTAMPTZ) AS ts, daemon_ts_text AS ts_text, CASE WHEN daemon_ts_text IS NOT NULL THEN false END AS tz_assumed,
       lower(nullif(lvl, '')) AS level, TRY_CAST(nullif(pid, '') AS INTEGER) AS pid,
       -- a new worker (or, through a log target, a proxy started) takes the config in force: a release
       CASE WHEN regexp_matches(msg, '^(Reloading HAProxy|Reexecuting Master process|New worker|Proxy \S+ started)') THEN 'reload'
            WHEN regexp_matches(msg, '^Loading success') THEN 'start'
            WHEN regexp_matches(msg, '^(soft-stop running for too long|Proxy \S+ hard-stopped)') THEN 'hard-stop'
            WHEN regexp_matches(msg, '^(Former worker|Current worker) ') THEN 'worker-exit'
            WHEN regexp_matches(msg, ' is DOWN|has no server available') THEN 'server-down'
            WHEN regexp_matches(msg, ' is UP') THEN 'server-up'
            WHEN regexp_matches(msg, '^(Proxy \S+ stopped|Stopping |Exiting Master process|All workers exited)') THEN 'shutdown'
            ELSE 'other' END AS kind,
       false AS upgraded, redact(msg) AS message,
       coalesce(nullif(regexp_extract(msg, '^(?:Backup )?Server (\S+/\S+) is', 1), ''), bind) AS upstream, client,
       CASE WHEN regexp_matches(msg, 'hard-stop') THEN 'killed' WHEN shape = 'conn-error' THEN 'client-closed' END AS end_reason
FROM hp2 WHERE shape IN ('notice', 'message', 'conn-error');

INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a HAProxy log line (httplog, tcplog, clf, JSON log-format or notice)', reject_raw(payload) FROM hp2 WHERE shape = 'none';
DROP TABLE hp2;
