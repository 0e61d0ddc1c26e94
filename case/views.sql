-- clawtrail derived views and macros: every read-only building block over the tables of case/schema.sql, in one
-- place. Created when a case is opened (after schema.sql and the generated redact.sql); queries, reports and ingest
-- scripts use them. docs/schema.md describes each.

-- ---- Macros used by the ingest scripts ------------------------------------------------------------------------
-- ANSI colour/control sequences (gateway stdout carries them even when it is not a terminal).
CREATE OR REPLACE MACRO strip_ansi(s) AS regexp_replace(s, '\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]', '', 'g');
-- A cited raw line: redacted, control characters made visible, bounded.
CREATE OR REPLACE MACRO reject_raw(s) AS left(regexp_replace(redact(s), '[\x00-\x08\x0b-\x1f\x7f]', '�', 'g'), 512);
-- nginx time values ("3600s", "1h", "500ms", "60", "60s (default)") in seconds.
CREATE OR REPLACE MACRO nginx_seconds(v) AS
  TRY_CAST(regexp_extract(v, '^\s*(\d+(?:\.\d+)?)', 1) AS DOUBLE)
  * CASE regexp_extract(v, '^\s*\d+(?:\.\d+)?(ms|s|m|h|d)?', 1) WHEN 'ms' THEN 0.001 WHEN 'm' THEN 60 WHEN 'h' THEN 3600 WHEN 'd' THEN 86400 ELSE 1 END;
-- '-' and '' are "no value" in proxy logs.
CREATE OR REPLACE MACRO dash_null(s) AS CASE WHEN s IN ('-', '') THEN NULL ELSE s END;
-- How a connection ended (proxy_requests.end_reason), from what each proxy logs. HAProxy's termination state: its first
-- character says who ended the session (C/c client abort/timeout, S/s server, K killed by the admin or a hard stop,
-- D/U a server state change, P/L/R/I the proxy itself), the second in which phase (SC: the connect to the server).
CREATE OR REPLACE MACRO haproxy_end_reason(tsc) AS
  CASE WHEN tsc IS NULL OR tsc = '' THEN NULL
       WHEN left(tsc, 1) IN ('-', 'L') THEN 'done'
       WHEN left(tsc, 1) = 'C' THEN 'client-closed'
       WHEN left(tsc, 1) = 'c' THEN 'client-timeout'
       WHEN left(tsc, 2) = 'SC' THEN 'connect-failed'
       WHEN left(tsc, 1) = 'S' THEN 'server-closed'
       WHEN left(tsc, 1) = 's' THEN 'server-timeout'
       WHEN left(tsc, 1) IN ('K', 'D', 'U') THEN 'killed'
       WHEN left(tsc, 2) = 'PR' THEN 'denied'
       ELSE 'proxy-error' END;
-- Envoy's response flags (the first that says it): UF/UH/UO no upstream connection, UT upstream timeout, UC/UR the
-- upstream reset, DC the downstream went away, SI a stream idle timeout, NR/RL/UAEX refused by the proxy.
CREATE OR REPLACE MACRO envoy_end_reason(flags) AS
  CASE WHEN flags IS NULL THEN NULL
       WHEN regexp_matches(flags, '(^|,)(UF|UH|UO|URX)(,|$)') THEN 'connect-failed'
       WHEN regexp_matches(flags, '(^|,)UT(,|$)') THEN 'server-timeout'
       WHEN regexp_matches(flags, '(^|,)(UC|UR|UPE|UMSDR)(,|$)') THEN 'server-closed'
       WHEN regexp_matches(flags, '(^|,)DC(,|$)') THEN 'client-closed'
       WHEN regexp_matches(flags, '(^|,)SI(,|$)') THEN 'client-timeout'
       WHEN regexp_matches(flags, '(^|,)(NR|RL|UAEX|RLSE|IH)(,|$)') THEN 'denied'
       ELSE 'proxy-error' END;
-- A status that says by itself how a request ended: 499 (nginx, Traefik: the client went away), 504 (the upstream
-- timed out), 502/503 (the upstream failed or was unavailable).
CREATE OR REPLACE MACRO status_end_reason(st) AS
  CASE WHEN st = 499 THEN 'client-closed' WHEN st = 504 THEN 'server-timeout' WHEN st IN (502, 503) THEN 'server-error' END;
-- A number of seconds in words for headlines: "45 s", "12 min", "1 h 27 min", "2 d 3 h".
CREATE OR REPLACE MACRO duration_words(secs) AS
  CASE WHEN secs IS NULL THEN NULL
       WHEN secs < 60 THEN round(secs)::BIGINT || ' s'
       WHEN secs < 3600 THEN round(secs / 60)::BIGINT || ' min'
       WHEN secs < 86400 THEN floor(secs / 3600)::BIGINT || ' h' || CASE WHEN secs % 3600 >= 60 THEN ' ' || floor(secs % 3600 / 60)::BIGINT || ' min' ELSE '' END
       ELSE floor(secs / 86400)::BIGINT || ' d' || CASE WHEN secs % 86400 >= 3600 THEN ' ' || floor(secs % 86400 / 3600)::BIGINT || ' h' ELSE '' END END;

-- ---- Derived views (read-only; the queries build on them) ------------------------------------------------------

-- Every value a token-bearing surface took, with the instant it took effect. Files of the bundle whose time is only
-- their mtime (valid_from_assumed) count only for surfaces that have no dated history (git, inspect).
CREATE OR REPLACE VIEW token_surface_values AS
WITH tagged AS (
  SELECT CASE
           WHEN surface = 'openclaw.json' AND key = 'gateway.auth.token' THEN 'config:gateway.auth.token'
           WHEN surface = 'openclaw.json' AND key = 'gateway.remote.token' THEN 'config:gateway.remote.token'
           WHEN surface = '.env' AND key = 'OPENCLAW_GATEWAY_TOKEN' THEN 'env-file:OPENCLAW_GATEWAY_TOKEN'
           WHEN surface = 'compose' AND key LIKE 'services.%.environment.OPENCLAW_GATEWAY_TOKEN' THEN 'compose:' || split_part(key, '.', 2)
           WHEN surface = 'container-env' AND key = 'OPENCLAW_GATEWAY_TOKEN' THEN 'container:' || regexp_extract(path, '#([^@]+)@', 1)
         END AS token_surface,
         *
  FROM config_values
)
SELECT token_surface, fp, secret_shape, value, valid_from, valid_from_assumed, commit_sha, path, source_id, line_no
FROM tagged t
WHERE token_surface IS NOT NULL
  AND (NOT valid_from_assumed
       OR NOT EXISTS (SELECT 1 FROM tagged u WHERE u.token_surface = t.token_surface AND NOT u.valid_from_assumed));

-- Container generations per compose service: which container id served it from when to when.
CREATE OR REPLACE VIEW container_generations AS
WITH ids AS (
  SELECT actor_id AS container_id, any_value(service) AS service, any_value(project) AS project,
         min(ts) FILTER (WHERE action = 'create') AS created_ev, min(ts) FILTER (WHERE action = 'start') AS first_start_ev,
         max(ts) FILTER (WHERE action = 'destroy') AS destroyed, count(*) FILTER (WHERE action = 'start') AS starts,
         count(*) FILTER (WHERE action = 'die') AS dies, list(exit_code ORDER BY ts) FILTER (WHERE action = 'die') AS exit_codes,
         any_value(replace_of) AS replace_of_ev, max(ts) FILTER (WHERE action = 'die') AS last_die
  FROM docker_events WHERE type = 'container' AND actor_id IS NOT NULL GROUP BY actor_id
), snaps AS (
  SELECT container_id, any_value(service) AS service, any_value(project) AS project, min(created) AS created, min(started_at) AS started_at,
         max(restart_count) AS restart_count, any_value(replace_of) AS replace_of, max(snapshot_at) AS last_seen, arg_max(status, snapshot_at) AS status
  FROM containers GROUP BY container_id
)
SELECT coalesce(i.container_id, s.container_id) AS container_id,
       coalesce(i.service, s.service) AS service, coalesce(i.project, s.project) AS project,
       coalesce(i.created_ev, s.created) AS created,
       coalesce(i.first_start_ev, s.started_at, s.created) AS started,
       i.destroyed, coalesce(i.starts, 0) AS start_events, coalesce(i.dies, 0) AS die_events, i.exit_codes, i.last_die,
       coalesce(i.replace_of_ev, s.replace_of) AS replace_of, s.restart_count, s.last_seen, s.status,
       CASE WHEN i.container_id IS NOT NULL AND s.container_id IS NOT NULL THEN 'events+inspect'
            WHEN i.container_id IS NOT NULL THEN 'events' ELSE 'inspect' END AS seen_in
FROM ids i FULL OUTER JOIN snaps s ON i.container_id = s.container_id
WHERE coalesce(i.service, s.service) IS NOT NULL;

-- Container lifecycle events (kill, die, stop, start, restart, destroy) with `asked`: a death right after a kill or
-- stop event was asked for (docker stop/restart, a compose recreate's SIGKILL after the grace period: exit 137) and is
-- not a failure. The one definition the transitions below and the restart-flaps query count crash loops with.
CREATE OR REPLACE VIEW container_lifecycle AS
SELECT *, coalesce(lag(action) OVER (PARTITION BY actor_id ORDER BY ts, line_no) IN ('kill', 'stop'), false) AS asked
FROM docker_events WHERE type = 'container' AND action IN ('kill', 'die', 'stop', 'start', 'restart', 'destroy');

-- Transitions of each compose service between and within container generations, classified: `recreate` (a new
-- container id took over: destroy + start, or the compose replace label), `restart in place` (die + start of the same
-- id), `crash loop` (3+ non-zero deaths of one container within 10 minutes that nobody asked for: a death right
-- after a kill or stop event is a stop, not a failure), `manual stop` (a SIGTERM kill or stop
-- with no start after it). Works from events; inspect snapshots alone give the recreates (two ids for one service).
CREATE OR REPLACE VIEW container_transitions AS
WITH gens AS (
  SELECT service, container_id, started, replace_of, lag(container_id) OVER (PARTITION BY service ORDER BY started) AS prev_id
  FROM container_generations
), deaths AS (
  SELECT *, lead(action) OVER (PARTITION BY actor_id ORDER BY ts, line_no) AS next_action,
         count(*) FILTER (WHERE action = 'die' AND coalesce(exit_code, 0) <> 0 AND NOT asked) OVER (PARTITION BY actor_id ORDER BY ts
           RANGE BETWEEN INTERVAL 10 MINUTE PRECEDING AND CURRENT ROW) AS recent_failures
  FROM container_lifecycle
)
SELECT service, started AS ts, 'recreate' AS transition, prev_id AS from_container, container_id AS to_container, NULL::INTEGER AS exit_code,
       CASE WHEN replace_of = prev_id THEN 'compose replace label' ELSE 'new container id for the service' END AS detail
FROM gens WHERE prev_id IS NOT NULL AND prev_id <> container_id
UNION ALL
SELECT coalesce(service, name), ts, CASE WHEN recent_failures >= 3 AND NOT asked THEN 'crash loop' WHEN next_action IN ('start', 'restart') THEN 'restart in place' ELSE 'stopped' END,
       actor_id, CASE WHEN next_action IN ('start', 'restart') THEN actor_id END, exit_code, 'die exitCode=' || coalesce(exit_code::VARCHAR, '?')
FROM deaths WHERE action = 'die'
UNION ALL
SELECT coalesce(service, name), ts, 'manual stop', actor_id, NULL, NULL, 'kill signal=' || coalesce(signal, '?') || ' with no start after it'
FROM deaths WHERE action = 'kill' AND coalesce(signal, '15') IN ('15', 'SIGTERM')
  AND NOT EXISTS (SELECT 1 FROM docker_events e WHERE e.actor_id = deaths.actor_id AND e.action = 'start' AND e.ts > deaths.ts)
  AND NOT EXISTS (SELECT 1 FROM docker_events e WHERE e.action = 'destroy' AND e.actor_id = deaths.actor_id);

-- The fingerprint (and shape) each token surface held at an instant: SELECT * FROM token_surfaces_at(TIMESTAMPTZ '…').
CREATE OR REPLACE MACRO token_surfaces_at(t) AS TABLE
SELECT token_surface, arg_max(fp, valid_from) AS fp, arg_max(secret_shape, valid_from) AS secret_shape, arg_max(value, valid_from) AS value,
       max(valid_from) AS since, arg_max(coalesce(commit_sha, path), valid_from) AS set_by
FROM token_surface_values WHERE valid_from <= t GROUP BY token_surface;

-- One row per WebSocket close, from every source that shows one: gateway lines, client lines, and closes inferred
-- from proxy access lines (a 101 line is written when the upgraded connection ends — Caddy 2.6 logs it as status 0;
-- 502/504 on an upgrade). A proxy that timed the tunnel out or killed it sends no close frame: the client sees 1006.
CREATE OR REPLACE VIEW ws_closes AS
SELECT ts, close_code AS code, 'gateway' AS seen_by, event AS how, source_id, line_no, close_reason AS detail, NULL::DOUBLE AS lifetime_s
FROM gateway_events WHERE event IN ('disconnected', 'closed-before-connect', 'closed') AND close_code IS NOT NULL AND ts IS NOT NULL
-- the same close in the console log and the file log is one close (same connection id)
QUALIFY row_number() OVER (PARTITION BY coalesce(conn_id, source_id || ':' || line_no), event ORDER BY source_id, line_no) = 1
UNION ALL
SELECT ts, close_code, 'client', event, source_id, line_no, close_reason, NULL
FROM gateway_events WHERE event = 'client-closed' AND close_code IS NOT NULL AND ts IS NOT NULL
UNION ALL
SELECT ts, CASE WHEN status IN (502, 504) OR end_reason IN ('client-timeout', 'server-timeout', 'killed') THEN 1006 END, 'proxy',
       proxy || ' ' || status || coalesce(' ' || end_state, ''), source_id, line_no,
       'upgraded connection ended after ' || round(request_time, 3) || ' s' || coalesce(' (' || end_reason || ')', ''), request_time
FROM proxy_requests WHERE is_websocket AND status IN (0, 101, 502, 504) AND ts IS NOT NULL;

-- ---- Building blocks of the canned queries ---------------------------------------------------------------------

-- WebSocket close classes, kept apart as the reference's §2 says.
CREATE OR REPLACE MACRO close_class(code) AS
  CASE WHEN code = 1006 THEN '1006 transport'
       WHEN code IN (1008, 4008) THEN '1008/4008 policy'
       WHEN code = 4001 THEN '4001 auth changed'
       WHEN code IN (1012, 1013) THEN '1012/1013 restart'
       WHEN code IN (1000, 1001, 1005) THEN 'normal'
       WHEN code IS NULL THEN 'unknown'
       ELSE 'other ' || code END;

-- ws_closes with the proxy's 101 lines classified: an upgraded connection whose lifetime matches a configured
-- proxy_read_timeout (±1.5 s), or one of mass_close_min or more closing in the same second (a drained worker), is a
-- transport close (1006 at the client). Others keep an unknown code (the proxy cannot see the close frame).
-- The per-row work is done once, into the derived table ws_close_base (case/derived.sql); the macro applies the threshold.
CREATE OR REPLACE MACRO ws_close_classified(mass_close_min) AS TABLE
SELECT ts, seen_by, how, source_id, line_no, detail, lifetime_s,
       CASE WHEN code IS NOT NULL THEN code
            WHEN timeout_match THEN 1006
            WHEN seen_by = 'proxy' AND same_second >= mass_close_min THEN 1006 END AS code,
       CASE WHEN code IS NOT NULL THEN NULL
            WHEN timeout_match THEN 'lifetime ≈ proxy_read_timeout'
            WHEN seen_by = 'proxy' AND same_second >= mass_close_min THEN 'closed with ' || same_second || ' others in one second' END AS inferred_by
FROM ws_close_base;

-- Per-minute closes by class against a rolling baseline; consecutive burst minutes (gaps ≤ 5 min) form one burst.
CREATE OR REPLACE MACRO ws_bursts(window_minutes, min_count, ratio, mass_close_min) AS TABLE
WITH m AS (
  SELECT close_class(code) AS class, time_bucket(INTERVAL 1 MINUTE, ts) AS minute, count(*) AS n,
         list_sort(list(DISTINCT seen_by)) AS seen_by,
         list({'source_id': source_id, 'line': line_no, 'note': coalesce(inferred_by, how)} ORDER BY ts, source_id, line_no) AS ev
  FROM ws_close_classified(mass_close_min)
  WHERE code IS NOT NULL AND close_class(code) <> 'normal'
  GROUP BY ALL
), b AS (
  SELECT *, coalesce(sum(n) OVER (PARTITION BY class ORDER BY minute
                       RANGE BETWEEN to_minutes(CAST(window_minutes AS BIGINT)) PRECEDING AND INTERVAL 1 MINUTE PRECEDING), 0) / window_minutes AS baseline
  FROM m
), hot AS (
  SELECT *, CASE WHEN minute - lag(minute) OVER (PARTITION BY class ORDER BY minute) <= INTERVAL 5 MINUTE THEN 0 ELSE 1 END AS new_burst
  FROM b WHERE n >= min_count AND n >= ratio * baseline
), g AS (
  SELECT *, sum(new_burst) OVER (PARTITION BY class ORDER BY minute) AS burst_no FROM hot
)
SELECT class, burst_no, min(minute) AS start_minute, max(minute) + INTERVAL 1 MINUTE AS end_minute, sum(n)::INTEGER AS closes,
       max(n)::INTEGER AS peak_per_minute, round(arg_min(baseline, minute), 2) AS baseline_per_minute,
       list_sort(list_distinct(flatten(list(seen_by)))) AS seen_by, flatten(list(ev ORDER BY minute))[1:12] AS evidence_lines,
       count(*)::INTEGER AS burst_minutes
FROM g GROUP BY class, burst_no;

-- Value transitions of every config key over time (per file path): the old and the new value, and where from.
CREATE OR REPLACE VIEW config_changes AS
WITH dated AS (
  SELECT * FROM config_values c
  WHERE NOT valid_from_assumed OR NOT EXISTS (
    SELECT 1 FROM config_values d WHERE d.surface = c.surface AND d.key = c.key AND NOT d.valid_from_assumed)
), seq AS (
  SELECT *, lag(coalesce(fp, value)) OVER w AS prev, lag(secret_shape) OVER w AS prev_shape,
         row_number() OVER w AS nth
  -- one deployment has one openclaw.json: its copies (.bak, .last-good, other paths) are versions of the same file
  FROM dated WINDOW w AS (PARTITION BY surface, key, CASE WHEN surface = 'openclaw.json' THEN '' ELSE regexp_replace(path, '#.*$', '') END
                          ORDER BY valid_from, commit_sha)
)
SELECT surface, key, prev AS old_value, coalesce(fp, value) AS new_value, prev_shape AS old_shape, secret_shape AS new_shape,
       valid_from, commit_sha, path, source_id, line_no, nth = 1 AS first_seen
FROM seq WHERE nth = 1 OR prev IS DISTINCT FROM coalesce(fp, value);

-- Proxy releases: reload notices in the error log, a new worker pid in the access log, a reload run in the proxy
-- container, and (re)starts of a proxy container.
CREATE OR REPLACE VIEW proxy_releases AS
SELECT ts, 'reload notice: ' || message AS what, source_id, line_no, NULL AS commit_sha FROM proxy_errors WHERE kind = 'reload'
UNION ALL
SELECT first_ts, 'new worker pid ' || worker_pid || ' in the access log', source_id, line_no, NULL
FROM (SELECT worker_pid, min(ts) AS first_ts, arg_min(source_id, ts) AS source_id, arg_min(line_no, ts) AS line_no
      FROM proxy_requests WHERE worker_pid IS NOT NULL GROUP BY worker_pid)
WHERE first_ts > (SELECT min(ts) + INTERVAL 1 MINUTE FROM proxy_requests WHERE worker_pid IS NOT NULL)
UNION ALL
SELECT ts, 'proxy container ' || action || coalesce(': ' || action_detail, '') || ' (' || coalesce(name, actor_id[1:12]) || ')', source_id, line_no, NULL
FROM docker_events
WHERE type = 'container' AND regexp_matches(coalesce(image, '') || ' ' || coalesce(service, ''), '(?i)nginx|caddy|traefik|haproxy|envoy')
  AND (action IN ('start', 'restart') OR (action = 'exec_start' AND regexp_matches(coalesce(action_detail, ''), '(?i)reload|-s |SIGHUP|kill -HUP')));

-- Commits that touched a reverse-proxy config file.
CREATE OR REPLACE VIEW proxy_config_commits AS
SELECT c.sha, c.author, c.committer_time, c.subject, f.path, c.source_id
FROM commits c JOIN commit_files f ON f.sha = c.sha AND f.source_id = c.source_id
WHERE regexp_matches(f.path, '(?i)nginx|caddy|traefik|haproxy|envoy');
