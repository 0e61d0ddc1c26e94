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

-- ---- Building blocks of attribution (symptoms, episodes, candidate changes: case/derived.sql) -------------------

-- Which component a config surface (or a repository path) belongs to.
CREATE OR REPLACE MACRO component_of(surface, path) AS
  CASE WHEN surface = 'nginx.conf' OR regexp_matches(coalesce(path, ''), '(?i)nginx') THEN 'nginx'
       WHEN surface = 'caddyfile' OR regexp_matches(coalesce(path, ''), '(?i)caddy') THEN 'caddy'
       WHEN surface = 'haproxy.cfg' OR regexp_matches(coalesce(path, ''), '(?i)haproxy') THEN 'haproxy'
       WHEN regexp_matches(coalesce(surface, '') || ' ' || coalesce(path, ''), '(?i)traefik') THEN 'traefik'
       WHEN regexp_matches(coalesce(surface, '') || ' ' || coalesce(path, ''), '(?i)envoy') THEN 'envoy'
       WHEN surface = 'openclaw.json' OR regexp_matches(coalesce(path, ''), '(?i)openclaw\.json') THEN 'gateway'
       WHEN surface = '.env' OR regexp_matches(coalesce(path, ''), '(?i)(^|/)\.env|\.env$') THEN 'env'
       WHEN surface = 'compose' OR regexp_matches(coalesce(path, ''), '(?i)compose[\w.-]*\.ya?ml$') THEN 'compose'
       WHEN surface = 'container-env' THEN 'container'
       ELSE coalesce(surface, 'file') END;

-- Which reverse proxy a container is, from its image or service name (NULL: not a proxy).
CREATE OR REPLACE MACRO proxy_of(image, service) AS
  nullif(regexp_extract(lower(coalesce(image, '') || ' ' || coalesce(service, '')), '(nginx|caddy|traefik|haproxy|envoy)', 1), '');

-- Config keys that bound how long an idle WebSocket lives behind each proxy.
-- (haproxy.cfg keys are `<section>.timeout.<name>`: `defaults.timeout.tunnel`, `effective:fe.timeout.client`.)
CREATE OR REPLACE MACRO is_idle_timeout_key(k) AS
  k IN ('proxy_read_timeout', 'proxy_send_timeout', 'timeout tunnel', 'timeout client', 'timeout server', 'timeout_tunnel',
        'timeout_client', 'timeout_server', 'transport.respondingTimeouts.readTimeout', 'transport.respondingTimeouts.idleTimeout',
        'idle_timeout', 'stream_timeout', 'read_timeout')
  OR regexp_matches(coalesce(k, ''), '^[^.]+\.timeout\.(tunnel|client|server)$');

-- The gateway's services: compose services or containers whose name says openclaw/gateway, but not a CLI or node host.
CREATE OR REPLACE MACRO is_gateway_service(s) AS
  regexp_matches(coalesce(s, ''), '(?i)gateway|openclaw') AND NOT regexp_matches(coalesce(s, ''), '(?i)cli|node|watch|nginx|caddy|haproxy|traefik|envoy');

-- What kind of failure a symptom family is, as any observer can see it: a client's 1006 and the proxy's cut session
-- are one transport failure; a refused handshake is the gateway's token or pairing refusal seen from the proxy.
CREATE OR REPLACE MACRO symptom_kind(family) AS
  CASE WHEN family IN ('transport', 'release-cut') THEN 'transport' WHEN family IN ('token', 'pairing', 'handshake-refused') THEN 'handshake' ELSE family END;

-- How long a change came before the failures it explains, in words ("1.5 s before", "0.8 s after": a gateway logs
-- its restart notice before docker's die event, so the failures can come first).
CREATE OR REPLACE MACRO lag_phrase(s) AS
  CASE WHEN abs(s) < 0.05 THEN 'at the moment of' WHEN s > 0 THEN round(s, 1)::VARCHAR || ' s before' ELSE round(-s, 1)::VARCHAR || ' s after' END;

-- Seconds in HAProxy's and nginx's time syntax ("20s", "1h", "500ms", "60").
CREATE OR REPLACE MACRO duration_seconds(v) AS nginx_seconds(v);

-- Proxy notices with their time, placed when the line states none. HAProxy writes its notices (reload, new worker,
-- hard stop, worker exits) to stdout without a time when no syslog or docker prefix carries one; the access lines
-- around them have theirs (written when each session ended, in file order). So an unstamped notice lies between the
-- stamped lines before and after it in its file, and is placed only where the evidence pins it:
--   `next-line`: a hard stop followed by the sessions it killed (`K---`), which HAProxy writes at once: their time;
--                any notice whose neighbours are at most a second apart: the later one;
--   `hard-stop-after`: a reload (or new worker) notice followed by a hard stop placed so, before the next reload: the
--                hard stop's time less the configured hard-stop-after, when that falls between its neighbours.
-- Anything else stays unplaced (ts NULL, as read): a release the evidence cannot date is not guessed.
CREATE OR REPLACE VIEW proxy_errors_placed AS
WITH unstamped AS (
  SELECT DISTINCT source_id FROM proxy_errors WHERE ts IS NULL
), lines AS (
  -- every line of those files, stamped or not, in file order, with the nearest stamped line before and after it
  SELECT *, max(ts) OVER (PARTITION BY source_id ORDER BY line_no ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_ts,
         min(ts) OVER (PARTITION BY source_id ORDER BY line_no ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_ts,
         first_value(end_reason IGNORE NULLS) OVER (PARTITION BY source_id ORDER BY line_no ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_access_end
  FROM (SELECT source_id, line_no, ts, NULL AS kind, end_reason FROM proxy_requests WHERE source_id IN (SELECT source_id FROM unstamped)
        UNION ALL SELECT source_id, line_no, ts, kind, NULL FROM proxy_errors WHERE source_id IN (SELECT source_id FROM unstamped))
), first_pass AS (
  SELECT l.source_id, l.line_no, l.kind, l.prev_ts, l.next_ts,
         CASE WHEN l.kind = 'hard-stop' AND l.next_access_end = 'killed' THEN l.next_ts
              WHEN epoch(l.next_ts) - epoch(l.prev_ts) <= 1 THEN l.next_ts END AS placed
  FROM lines l WHERE l.ts IS NULL AND l.kind IS NOT NULL
), stops AS (
  SELECT f.source_id, f.line_no, f.placed, e.proxy FROM first_pass f JOIN proxy_errors e USING (source_id, line_no)
  WHERE f.kind = 'hard-stop' AND f.placed IS NOT NULL
), by_stop AS (
  -- each unplaced reload notice and the first placed hard stop after it, unless another reload comes between
  SELECT f.source_id, f.line_no, f.prev_ts, f.next_ts, s.placed AS stop_ts, s.proxy
  FROM first_pass f JOIN stops s ON s.source_id = f.source_id AND s.line_no > f.line_no
  WHERE f.kind = 'reload' AND f.placed IS NULL
    AND NOT EXISTS (SELECT 1 FROM proxy_errors r WHERE r.source_id = f.source_id AND r.line_no > f.line_no AND r.line_no < s.line_no
                      AND r.kind = 'reload' AND r.message LIKE 'Reloading%')
  QUALIFY row_number() OVER (PARTITION BY f.source_id, f.line_no ORDER BY s.line_no) = 1
), by_drain AS (
  -- hard-stop-after as the proxy's config had it then (a dated revision, else the file as collected)
  SELECT b.source_id, b.line_no, b.stop_ts - to_seconds(
           (SELECT arg_max(duration_seconds(v.value), v.valid_from) FROM config_values v
            WHERE component_of(v.surface, v.path) = b.proxy AND v.key LIKE '%hard-stop-after' AND (v.valid_from <= b.stop_ts OR v.valid_from_assumed))) AS placed,
         b.prev_ts, b.next_ts, b.stop_ts
  FROM by_stop b
)
SELECT e.* REPLACE (coalesce(e.ts, f.placed, d.placed) AS ts),
       CASE WHEN e.ts IS NOT NULL THEN 'stated' WHEN f.placed IS NOT NULL THEN 'next-line' WHEN d.placed IS NOT NULL THEN 'hard-stop-after' END AS ts_placed
FROM proxy_errors e
LEFT JOIN first_pass f USING (source_id, line_no)
LEFT JOIN (SELECT * FROM by_drain WHERE placed BETWEEN coalesce(prev_ts, placed) AND coalesce(next_ts, stop_ts)) d USING (source_id, line_no);

-- The instants at which a proxy release may have ended sessions: an nginx worker leaving after a reload, HAProxy's
-- hard stop of its old worker, Caddy's reload of a changed config (it cuts at once). The symptoms count one as a cut
-- only when it comes at the end of the release's drain (case/derived.sql).
CREATE OR REPLACE VIEW proxy_cut_instants AS
SELECT proxy, ts, source_id, line_no, message AS what FROM proxy_errors_placed
WHERE ts IS NOT NULL AND (
      (proxy = 'nginx' AND kind = 'worker-exit' AND regexp_matches(coalesce(message, ''), '^exiting$'))
   OR (proxy = 'haproxy' AND regexp_matches(coalesce(message, ''), '(?i)hard-stop|Former worker .* exited'))
   OR (proxy = 'caddy' AND regexp_matches(coalesce(message, ''), '^(load complete|stopped previous server)')));

-- A duration in words for headlines: "45 s", "3 min 20 s", "1 h 27 min".
CREATE OR REPLACE MACRO human_duration(secs) AS
  CASE WHEN secs IS NULL THEN '?'
       WHEN round(secs) < 60 THEN round(secs)::BIGINT || ' s'
       WHEN round(secs) < 3600 THEN (round(secs)::BIGINT // 60) || ' min' || CASE WHEN round(secs)::BIGINT % 60 > 0 THEN ' ' || (round(secs)::BIGINT % 60) || ' s' ELSE '' END
       -- whole minutes, as the reports' durations count them (1 h 27 min 37 s is 1 h 27 min)
       ELSE (round(secs)::BIGINT // 3600) || ' h' || CASE WHEN round(secs)::BIGINT % 3600 >= 60 THEN ' ' || (round(secs)::BIGINT % 3600 // 60) || ' min' ELSE '' END END;

-- How a change is named in a headline: a commit by its short id, anything else by what it was.
CREATE OR REPLACE MACRO change_words(kind, action, component, key, commit_sha, detail) AS
  CASE WHEN commit_sha IS NOT NULL THEN 'commit ' || commit_sha[1:7]
       WHEN kind = 'release' THEN component || ' reload'
       WHEN kind = 'container' THEN format('{} {}', component, action)
       ELSE coalesce(component || ' ', '') || coalesce(action, kind) END;

-- A change in words for a finding's story: a commit by its id, subject, author and the key it changed (a secret's
-- values never: they are fingerprints), anything else by what the evidence says it was and when.
CREATE OR REPLACE MACRO change_text(kind, action, component, key, commit_sha, detail, old_value, new_value, subject, author, ts) AS
  CASE WHEN commit_sha IS NOT NULL THEN
         'commit ' || commit_sha[1:7] || coalesce(' "' || subject || '"', '') || coalesce(' by ' || author, '')
         || CASE WHEN key IS NULL THEN ''
                 WHEN starts_with(coalesce(old_value, ''), 'hmac:') OR starts_with(coalesce(new_value, ''), 'hmac:') THEN ' (' || key || ')'
                 ELSE format(' ({} {} → {})', key, coalesce(old_value, '(unset)'), coalesce(new_value, '(removed)')) END
       WHEN kind = 'release' THEN format('the {} reload at {} ({})', component, strftime(ts, '%H:%M:%S'), detail)
       WHEN kind = 'config' THEN format('{} {} → {} in {} at {}', key, coalesce(old_value, '(unset)'), coalesce(new_value, '(removed)'), component, strftime(ts, '%H:%M:%S'))
       ELSE format('{} at {}', coalesce(detail, component || ' ' || action), strftime(ts, '%H:%M:%S')) END;

-- What put a change into effect, in words: "the nginx reload", "the start of openclaw-cli", "the gateway's hot reload".
CREATE OR REPLACE MACRO applied_words(kind, action, component) AS
  CASE WHEN kind = 'release' THEN 'the ' || component || ' reload'
       WHEN kind = 'container' THEN format('the {} of {}', action, component)
       WHEN kind = 'gateway' AND action IN ('reload-applied', 'reload-detected', 'restart-required') THEN 'the gateway''s hot reload'
       ELSE coalesce(component || ' ', '') || action END;

-- "1 client", "3 clients": a count and its noun for headlines.
CREATE OR REPLACE MACRO count_words(n, word) AS n || ' ' || word || CASE WHEN n = 1 THEN '' ELSE 's' END;

-- An instant as the findings print it (ISO 8601, UTC, whole seconds).
CREATE OR REPLACE MACRO iso_utc(t) AS strftime(t, '%Y-%m-%dT%H:%M:%SZ');

-- What a symptom family is, in words (a finding's impact says what it counted).
CREATE OR REPLACE MACRO family_words(f) AS
  CASE f WHEN 'transport' THEN 'dropped WebSockets' WHEN 'release-cut' THEN 'WebSockets cut by a proxy release'
         WHEN 'upstream-down' THEN 'failed connects and 5xx answers' WHEN 'pairing' THEN 'pairing-required refusals'
         WHEN 'token' THEN 'token refusals' WHEN 'config-fatal' THEN 'failed starts' WHEN 'restart-notice' THEN '1012/1013 restart closes'
         WHEN 'refused-upgrade' THEN '403 answers to upgrades' WHEN 'not-upgraded' THEN '200 answers to upgrades'
         WHEN 'handshake-refused' THEN 'handshakes closed at once' ELSE f END;

-- Per episode, the best cause (highest score) and the runner-up: the best explanation of another mechanism, or, when
-- no other mechanism fits, another cause of the same one (from the attribution engine's rows, queries/attribution.ts).
CREATE OR REPLACE VIEW episode_verdicts AS
WITH ranked AS (
  SELECT a.*, row_number() OVER (PARTITION BY episode_id ORDER BY score DESC, explained DESC, change_id NULLS LAST, mechanism) AS place
  FROM attributions a
), runner AS (
  SELECT r.* FROM ranked r JOIN ranked b ON b.episode_id = r.episode_id AND b.place = 1
  WHERE r.place > 1
  QUALIFY row_number() OVER (PARTITION BY r.episode_id ORDER BY r.mechanism = b.mechanism, r.place) = 1
)
SELECT e.*, b.mechanism, b.change_id, b.trigger_id, b.fix_id, b.score, b.explained, b.planned, b.lag_s, b.headline, b.why, b.missing, b.facts,
       r.mechanism AS runner_mechanism, r.change_id AS runner_change_id, r.score AS runner_score, r.headline AS runner_headline,
       r.why AS runner_why, r.explained AS runner_explained
FROM episodes e
LEFT JOIN ranked b ON b.episode_id = e.episode_id AND b.place = 1
LEFT JOIN runner r ON r.episode_id = e.episode_id;

-- The findings of attribution, one per cause (the attribution engine keeps them in the table attributed_causes, which
-- the cause queries read): episodes with the same mechanism and cause that follow each other
-- (within a minute) are one finding. Severity comes from the impact (clients hit, against the clients the path
-- served before; duration; paths) and whether the cause was planned work — not from which query reports it.
-- Episodes no mechanism explains are reported as such (with what evidence would settle them), except first pairings,
-- restart notices and handshake refusals (without the gateway's line they cannot be told from first pairings).
-- query_id: the canned query that reports the finding. The story fields: `trigger` (the change, and what applied it),
-- `mechanism` (how it broke: the mechanism and what the evidence measured, with its class), `impact` (the effect),
-- `fix` (what ended it, and when it took effect), `runner_up` (the best other explanation and why it lost).
CREATE OR REPLACE VIEW attributed_findings AS
WITH v AS (
  SELECT v.*, coalesce(m.query_id, CASE v.family WHEN 'transport' THEN 'ws1006-after-proxy-release' WHEN 'release-cut' THEN 'ws1006-after-proxy-release'
                                                  WHEN 'upstream-down' THEN 'restart-flaps' WHEN 'config-fatal' THEN 'restart-flaps'
                                                  WHEN 'token' THEN 'token-divergence' WHEN 'refused-upgrade' THEN 'proxy-refusals'
                                                  WHEN 'not-upgraded' THEN 'proxy-refusals' END) AS query_id,
         m.title, m.remediation, coalesce(m.planned, false) OR coalesce(v.planned, false) AS is_planned, coalesce(m.whole_path, false) AS whole_path
  FROM episode_verdicts v LEFT JOIN mechanism_catalog m USING (mechanism)
  WHERE v.mechanism IS NOT NULL OR v.family NOT IN ('pairing', 'restart-notice', 'handshake-refused')
), islands AS (
  SELECT *, sum(CASE WHEN start_ts <= prev_end + INTERVAL 1 MINUTE THEN 0 ELSE 1 END)
              OVER (PARTITION BY mechanism, coalesce(change_id, 'episode:' || episode_id) ORDER BY start_ts, episode_id) AS island
  FROM (SELECT *, max(end_ts) OVER (PARTITION BY mechanism, coalesce(change_id, 'episode:' || episode_id) ORDER BY start_ts, episode_id
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end FROM v)
), f AS (
  SELECT mechanism, coalesce(change_id, 'episode:' || episode_id) AS cause_key, island,
         any_value(query_id) AS query_id, min(start_ts) AS start_ts, max(end_ts) AS end_ts, list(episode_id ORDER BY start_ts) AS episodes,
         sum(symptoms)::INTEGER AS symptoms, max(clients)::INTEGER AS clients_max, max(clients_before) AS clients_before,
         list(DISTINCT path ORDER BY path) AS paths, arg_max(family, (symptoms, episode_id)) AS family,
         any_value(change_id) AS change_id, arg_min(trigger_id, (start_ts, episode_id)) AS trigger_id, arg_max(fix_id, (end_ts, episode_id)) AS fix_id,
         arg_max(score, (symptoms, episode_id)) AS score, arg_min(lag_s, (start_ts, episode_id)) AS lag_s, arg_max(headline, (symptoms, episode_id)) AS headline, arg_max(why, (symptoms, episode_id)) AS why,
         arg_max(missing, (symptoms, episode_id)) AS missing, arg_max(facts, (symptoms, episode_id)) AS facts, bool_or(is_planned) AS planned,
         arg_max(runner_mechanism, (symptoms, episode_id)) AS runner_mechanism, arg_max(runner_change_id, (symptoms, episode_id)) AS runner_change_id,
         arg_max(runner_headline, (symptoms, episode_id)) AS runner_headline, arg_max(runner_why, (symptoms, episode_id)) AS runner_why, arg_max(runner_score, (symptoms, episode_id)) AS runner_score,
         any_value(title) AS title, any_value(remediation) AS remediation, bool_or(whole_path) AS whole_path
  FROM islands GROUP BY ALL
), hit AS (
  -- distinct clients over the finding's episodes, the first and the last failure, and what was counted
  -- the cited lines: the first of each family the mechanism explains (its own family first), then the second of
  -- each, …: a timeout finding cites timed-out sessions, not only the drain's cut that came first
  SELECT f.mechanism, f.cause_key, f.island, count(DISTINCT s.client_key)::INTEGER AS clients,
         list({'source_id': s.source_id, 'line': s.line_no, 'note': s.family || ': ' || left(s.detail, 100)}
              ORDER BY s.nth_of_family, coalesce(list_position(string_split(m.explains, ','), s.family), 99), s.ts, s.source_id, s.line_no)[1:8] AS ev,
         min(s.ts) AS first_at, max(s.ts) AS last_at,
         arg_min({'source_id': s.source_id, 'line': s.line_no}, (s.ts, s.source_id, s.line_no)) AS first_cite,
         arg_max({'source_id': s.source_id, 'line': s.line_no}, (s.ts, s.source_id, s.line_no)) AS last_cite,
         string_agg(DISTINCT family_words(s.family), ', ' ORDER BY family_words(s.family)) AS signals
  FROM (SELECT mechanism, cause_key, island, unnest(episodes) AS episode_id FROM f) f
  JOIN (SELECT *, row_number() OVER (PARTITION BY episode_id, family ORDER BY ts, source_id, line_no) AS nth_of_family FROM symptoms) s ON s.episode_id = f.episode_id
  LEFT JOIN mechanism_catalog m ON m.mechanism = f.mechanism
  GROUP BY ALL
), c AS (
  SELECT f.*, h.clients, h.ev, h.first_at, h.last_at, h.first_cite, h.last_cite, h.signals, epoch(f.end_ts) - epoch(f.start_ts) AS duration_s,
         -- a mechanism that fails every connection of a path (the gateway warns once per process about untrusted
         -- proxies) is an outage of that path however few lines it left
         -- otherwise several clients (or half the path's) for a while: one instant's cut that clients reconnect from at
         -- once is not an outage
         (f.whole_path
          OR ((h.clients >= 2 OR (f.clients_before > 0 AND h.clients * 2 >= f.clients_before)) AND epoch(f.end_ts) - epoch(f.start_ts) >= 30)
          OR (f.symptoms >= 3 AND epoch(f.end_ts) - epoch(f.start_ts) >= 60))
           -- what nothing explains counts only when it lasted (sessions that end together for a moment are often clients leaving)
           AND (f.mechanism IS NOT NULL OR epoch(f.end_ts) - epoch(f.start_ts) >= 30) AS big
  FROM f JOIN hit h USING (mechanism, cause_key, island)
), fix_applied AS (
  -- when a fix took effect: the release of the proxy whose config it changed, the start of a container that took the
  -- new env or compose file, the gateway's hot reload (or restart) of openclaw.json — the first within an hour after it
  SELECT fx.change_id AS fix_id, arg_min(a.change_id, (a.ts, a.change_id)) AS applied_id
  FROM candidate_changes fx JOIN candidate_changes a ON a.ts >= fx.ts AND a.ts <= fx.ts + INTERVAL 1 HOUR AND (
       (a.kind = 'release' AND a.component = fx.component)
    OR (a.kind = 'container' AND a.action IN ('start', 'restart') AND (fx.component IN ('env', 'compose', 'container')
                                                                       OR (fx.component = 'gateway' AND is_gateway_service(a.component))))
    OR (a.kind = 'gateway' AND a.action = 'reload-applied' AND fx.component = 'gateway'))
  WHERE fx.kind IN ('config', 'file') AND fx.change_id IN (SELECT fix_id FROM c)
  GROUP BY fx.change_id
), x AS (
  -- the words of the cause, what applied it, the fix and when it took effect
  SELECT c.*, ch.kind AS ch_kind, ch.action AS ch_action, ch.key AS ch_key, ch.ts AS ch_ts, ch.commit_sha, ch.path AS ch_path, ch.source_id AS ch_source,
         ch.line_no AS ch_line, ch.detail AS ch_detail, cm.subject AS ch_subject, src.path AS ch_file,
         change_text(ch.kind, ch.action, ch.component, ch.key, ch.commit_sha, ch.detail, ch.old_value, ch.new_value, cm.subject, cm.author, ch.ts) AS cause_text,
         tr.change_id AS tr_id, tr.ts AS tr_ts, tr.detail AS tr_detail, tr.action AS tr_action, tr.source_id AS tr_source, tr.line_no AS tr_line,
         CASE WHEN tr.change_id <> ch.change_id THEN applied_words(tr.kind, tr.action, tr.component) END AS applied_by,
         fx.change_id AS fx_id, fx.key AS fx_key, fx.new_value AS fx_value, fx.commit_sha AS fx_sha, fx.path AS fx_path, fx.source_id AS fx_source,
         fx.line_no AS fx_line, fx.kind AS fx_kind, fx.action AS fx_action, fx.detail AS fx_detail, fm.subject AS fx_subject,
         change_words(fx.kind, fx.action, fx.component, fx.key, fx.commit_sha, fx.detail) AS fx_words,
         change_text(fx.kind, fx.action, fx.component, fx.key, fx.commit_sha, fx.detail, fx.old_value, fx.new_value, fm.subject, fm.author, fx.ts) AS fx_text,
         fx.ts AS fx_ts, ap.ts AS fx_applied_ts, ap.source_id AS ap_source, ap.line_no AS ap_line, ap.detail AS ap_detail, CASE WHEN ap.change_id IS NOT NULL THEN applied_words(ap.kind, ap.action, ap.component) END AS fx_applied_by,
         change_words(ru.kind, ru.action, ru.component, ru.key, ru.commit_sha, ru.detail) AS runner_words
  FROM c
  LEFT JOIN candidate_changes ch ON ch.change_id = c.change_id
  LEFT JOIN commits cm ON cm.sha = ch.commit_sha
  LEFT JOIN sources src ON src.source_id = ch.source_id
  LEFT JOIN candidate_changes tr ON tr.change_id = c.trigger_id
  LEFT JOIN candidate_changes fx ON fx.change_id = c.fix_id
  LEFT JOIN commits fm ON fm.sha = fx.commit_sha
  LEFT JOIN fix_applied fa ON fa.fix_id = c.fix_id
  LEFT JOIN candidate_changes ap ON ap.change_id = fa.applied_id
  LEFT JOIN candidate_changes ru ON ru.change_id = c.runner_change_id
)
SELECT x.query_id,
       CASE WHEN x.mechanism IS NULL THEN CASE WHEN x.big THEN 'medium' ELSE 'low' END
            WHEN x.planned THEN 'low' WHEN x.big THEN 'high' ELSE 'medium' END AS severity,
       x.start_ts, x.end_ts,
       CASE WHEN x.mechanism IS NULL THEN
              format('{} {} symptom(s) on {} from {} for {} ({} client(s)) that no mechanism explains: {}', x.symptoms, x.family, array_to_string(x.paths, ', '),
                     strftime(x.start_ts, '%Y-%m-%d %H:%M:%S'), human_duration(x.duration_s), x.clients,
                     CASE x.family WHEN 'transport' THEN 'cannot tell a proxy timeout from a network cut without the proxy config history or its error log at info level'
                                   WHEN 'upstream-down' THEN 'no gateway death, restart or fatal start is in the evidence; docker events or the gateway log of that time would settle it'
                                   WHEN 'token' THEN 'no token change is in the evidence; the config history, .env and the containers'' inspect would settle it'
                                   ELSE 'the evidence of its cause is absent' END)
            ELSE x.headline || '. ' || upper(x.why[1]) || x.why[2:] || '.'
                 || CASE WHEN x.fx_id IS NOT NULL THEN ' Fixed by ' || x.fx_words || coalesce(format(', applied by {} at {}', x.fx_applied_by, strftime(x.fx_applied_ts, '%H:%M:%S')),
                                                                                             ' at ' || strftime(x.fx_ts, '%H:%M:%S')) || '.' ELSE '' END
                 || CASE WHEN x.runner_mechanism IS NOT NULL THEN format(' Runner-up: {} ({}), which lost ({} against {}): {}.', x.runner_mechanism,
                                 coalesce(x.runner_words, 'no change'), round(x.runner_score, 2), round(x.score, 2), x.runner_why) ELSE '' END
                 || coalesce(' Missing evidence: ' || x.missing || '.', '') END AS statement,
       CASE WHEN x.mechanism IS NULL THEN 0.3 ELSE least(0.99, x.score) END AS confidence,
       to_json(list_concat(
         CASE WHEN x.commit_sha IS NOT NULL THEN [{'sha': x.commit_sha, 'path': x.ch_path, 'note': 'cause: ' || coalesce(x.ch_subject, x.ch_action || ' ' || coalesce(x.ch_key, ''))}]
              WHEN x.ch_source IS NOT NULL THEN [{'source_id': x.ch_source, 'line': x.ch_line, 'note': 'cause: ' || coalesce(x.cause_text, x.ch_detail, x.ch_action)}] ELSE [] END,
         CASE WHEN x.tr_source IS NOT NULL AND x.tr_id <> x.change_id THEN [{'source_id': x.tr_source, 'line': x.tr_line, 'note': 'trigger: ' || coalesce(x.tr_detail, x.tr_action)}] ELSE [] END,
         CASE WHEN x.fx_sha IS NOT NULL THEN [{'sha': x.fx_sha, 'path': x.fx_path, 'note': 'fix: ' || coalesce(x.fx_subject, x.fx_key)}]
              WHEN x.fx_source IS NOT NULL THEN [{'source_id': x.fx_source, 'line': x.fx_line, 'note': 'fix: ' || coalesce(x.fx_detail, x.fx_action)}] ELSE [] END,
         CASE WHEN x.ap_source IS NOT NULL THEN [{'source_id': x.ap_source, 'line': x.ap_line, 'note': 'fix: applied by ' || x.fx_applied_by || coalesce(' (' || x.ap_detail || ')', '')}] ELSE [] END,
         x.ev))::VARCHAR AS evidence,
       CASE WHEN x.mechanism IS NULL THEN format('{} {} symptom(s) on {} that no mechanism explains', x.symptoms, x.family, array_to_string(x.paths, ', ')) ELSE x.headline END AS headline,
       {'clients': x.clients, 'sessions': x.symptoms, 'paths': x.paths, 'duration_s': round(x.duration_s, 1), 'clients_before': x.clients_before,
        'first_at': iso_utc(x.first_at), 'last_at': iso_utc(x.last_at), 'first_cite': x.first_cite, 'last_cite': x.last_cite, 'signals': x.signals} AS impact,
       -- how it broke: the mechanism and what the evidence measured (the class for scripts)
       CASE WHEN x.mechanism IS NOT NULL THEN {'statement': x.title || ': ' || x.why, 'class': x.mechanism} END AS mechanism,
       CASE WHEN x.ch_kind IS NOT NULL THEN {
              'statement': x.cause_text || coalesce(format(', applied by {} at {}', x.applied_by, strftime(x.tr_ts, '%H:%M:%S')), '')
                           || CASE WHEN epoch(x.first_at) - epoch(coalesce(x.tr_ts, x.ch_ts)) >= 1
                                   THEN format('; the first failure came {} later', human_duration(epoch(x.first_at) - epoch(coalesce(x.tr_ts, x.ch_ts)))) ELSE '' END,
              'kind': x.ch_kind, 'commit': x.commit_sha, 'action': x.ch_action, 'key': x.ch_key, 'at': iso_utc(x.ch_ts),
              'citation': coalesce(x.commit_sha[1:12] || coalesce(' ' || x.ch_path, ''), x.ch_path || coalesce(':' || x.ch_line, ''), x.ch_file || coalesce(':' || x.ch_line, '')),
              'applied_by': x.tr_detail, 'applied_at': iso_utc(x.tr_ts), 'lag_s': x.lag_s} END AS "trigger",
       CASE WHEN x.runner_mechanism IS NOT NULL THEN {'statement': x.runner_headline, 'mechanism': x.runner_mechanism,
              'why_lost': format('{} (score {} against {}: share of the symptoms explained, key, path and lag fit)', x.runner_why,
                                 round(x.runner_score, 2), round(x.score, 2)),
              'score': x.runner_score, 'best_score': x.score} END AS runner_up,
       CASE WHEN x.fx_id IS NOT NULL THEN {
              'statement': x.fx_text || coalesce(format(', applied by {} at {}', x.fx_applied_by, strftime(x.fx_applied_ts, '%H:%M:%S')), ''),
              'kind': x.fx_kind, 'commit': x.fx_sha, 'action': x.fx_action, 'key': x.fx_key, 'at': iso_utc(coalesce(x.fx_applied_ts, x.fx_ts)),
              'committed_at': iso_utc(x.fx_ts), 'value': x.fx_value,
              'citation': coalesce(x.fx_sha[1:12] || coalesce(' ' || x.fx_path, ''), x.fx_path)} END AS fix,
       x.remediation,
       -- the mechanism, or "unexplained" (the column the old ws1006 query had, for scripts that read it)
       coalesce(x.mechanism, 'unexplained') AS explanation,
       x.commit_sha AS commit_sha, x.lag_s, x.facts, x.episodes, x.missing
FROM x;
