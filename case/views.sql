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
CREATE OR REPLACE MACRO is_idle_timeout_key(k) AS
  k IN ('proxy_read_timeout', 'proxy_send_timeout', 'timeout tunnel', 'timeout client', 'timeout server', 'timeout_tunnel',
        'timeout_client', 'timeout_server', 'transport.respondingTimeouts.readTimeout', 'transport.respondingTimeouts.idleTimeout',
        'idle_timeout', 'stream_timeout', 'read_timeout');

-- The gateway's services: compose services or containers whose name says openclaw/gateway, but not a CLI or node host.
CREATE OR REPLACE MACRO is_gateway_service(s) AS
  regexp_matches(coalesce(s, ''), '(?i)gateway|openclaw') AND NOT regexp_matches(coalesce(s, ''), '(?i)cli|node|watch|nginx|caddy|haproxy|traefik|envoy');

-- Seconds in HAProxy's and nginx's time syntax ("20s", "1h", "500ms", "60").
CREATE OR REPLACE MACRO duration_seconds(v) AS nginx_seconds(v);

-- The instants at which a proxy release may have ended sessions: an nginx worker leaving after a reload, HAProxy's
-- hard stop of its old worker, Caddy's reload of a changed config (it cuts at once). The symptoms count one as a cut
-- only when it comes at the end of the release's drain (case/derived.sql).
CREATE OR REPLACE VIEW proxy_cut_instants AS
SELECT proxy, ts, source_id, line_no, message AS what FROM proxy_errors
WHERE ts IS NOT NULL AND (
      (proxy = 'nginx' AND kind = 'worker-exit' AND regexp_matches(coalesce(message, ''), '^exiting$'))
   OR (proxy = 'haproxy' AND regexp_matches(coalesce(message, ''), '(?i)hard-stop|Former worker .* exited'))
   OR (proxy = 'caddy' AND regexp_matches(coalesce(message, ''), '^(load complete|stopped previous server)')));

-- A duration in words for headlines: "45 s", "3 min 20 s", "1 h 27 min".
CREATE OR REPLACE MACRO human_duration(secs) AS
  CASE WHEN secs IS NULL THEN '?'
       WHEN round(secs) < 60 THEN round(secs)::BIGINT || ' s'
       WHEN round(secs) < 3600 THEN (round(secs)::BIGINT // 60) || ' min' || CASE WHEN round(secs)::BIGINT % 60 > 0 THEN ' ' || (round(secs)::BIGINT % 60) || ' s' ELSE '' END
       ELSE (round(secs / 60)::BIGINT // 60) || ' h ' || (round(secs / 60)::BIGINT % 60) || ' min' END;

-- How a change is named in a headline: a commit by its short id, anything else by what it was.
CREATE OR REPLACE MACRO change_words(kind, action, component, key, commit_sha, detail) AS
  CASE WHEN commit_sha IS NOT NULL THEN 'commit ' || commit_sha[1:7]
       WHEN kind = 'release' THEN component || ' reload'
       WHEN kind = 'container' THEN format('{} {}', component, action)
       ELSE coalesce(component || ' ', '') || coalesce(action, kind) END;

-- Per episode, the best cause (highest score) and the runner-up (the next one, another mechanism or another change),
-- from the attribution engine's rows (queries/attribution.ts).
CREATE OR REPLACE VIEW episode_verdicts AS
WITH ranked AS (
  SELECT a.*, row_number() OVER (PARTITION BY episode_id ORDER BY score DESC, explained DESC, change_id NULLS LAST, mechanism) AS place
  FROM attributions a
)
SELECT e.*, b.mechanism, b.change_id, b.trigger_id, b.fix_id, b.score, b.explained, b.planned, b.lag_s, b.headline, b.why, b.missing, b.facts,
       r.mechanism AS runner_mechanism, r.change_id AS runner_change_id, r.score AS runner_score, r.headline AS runner_headline,
       r.why AS runner_why, r.explained AS runner_explained
FROM episodes e
LEFT JOIN ranked b ON b.episode_id = e.episode_id AND b.place = 1
LEFT JOIN ranked r ON r.episode_id = e.episode_id AND r.place = 2;

-- The findings of attribution, one per cause (the attribution engine keeps them in the table attributed_causes, which
-- the cause queries read): episodes with the same mechanism and cause that follow each other
-- (within a minute) are one finding. Severity comes from the impact (clients hit, against the clients the path
-- served before; duration; paths) and whether the cause was planned work — not from which query reports it.
-- Episodes no mechanism explains are reported as such (with what evidence would settle them), except first pairings,
-- restart notices and handshake refusals (without the gateway's line they cannot be told from first pairings). query_id: the canned query that reports the finding.
CREATE OR REPLACE VIEW attributed_findings AS
WITH v AS (
  SELECT v.*, coalesce(m.query_id, CASE v.family WHEN 'transport' THEN 'ws1006-after-proxy-release' WHEN 'release-cut' THEN 'ws1006-after-proxy-release'
                                                  WHEN 'upstream-down' THEN 'restart-flaps' WHEN 'config-fatal' THEN 'restart-flaps'
                                                  WHEN 'token' THEN 'token-divergence' WHEN 'refused-upgrade' THEN 'proxy-refusals'
                                                  WHEN 'not-upgraded' THEN 'proxy-refusals' END) AS query_id,
         m.remediation, coalesce(m.planned, false) OR coalesce(v.planned, false) AS is_planned, coalesce(m.whole_path, false) AS whole_path
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
         list(DISTINCT path ORDER BY path) AS paths, arg_max(family, symptoms) AS family,
         any_value(change_id) AS change_id, arg_min(trigger_id, start_ts) AS trigger_id, arg_max(fix_id, end_ts) AS fix_id,
         arg_max(score, symptoms) AS score, arg_min(lag_s, start_ts) AS lag_s, arg_max(headline, symptoms) AS headline, arg_max(why, symptoms) AS why,
         arg_max(missing, symptoms) AS missing, arg_max(facts, symptoms) AS facts, bool_or(is_planned) AS planned,
         arg_max(runner_mechanism, symptoms) AS runner_mechanism, arg_max(runner_change_id, symptoms) AS runner_change_id,
         arg_max(runner_headline, symptoms) AS runner_headline, arg_max(runner_why, symptoms) AS runner_why, arg_max(runner_score, symptoms) AS runner_score,
         any_value(remediation) AS remediation, bool_or(whole_path) AS whole_path
  FROM islands GROUP BY ALL
), hit AS (
  -- distinct clients over the finding's episodes
  SELECT f.mechanism, f.cause_key, f.island, count(DISTINCT s.client_key)::INTEGER AS clients,
         list({'source_id': s.source_id, 'line': s.line_no, 'note': s.family || ': ' || left(s.detail, 100)} ORDER BY s.ts)[1:8] AS ev
  FROM (SELECT mechanism, cause_key, island, unnest(episodes) AS episode_id FROM f) f JOIN symptoms s ON s.episode_id = f.episode_id GROUP BY ALL
), c AS (
  SELECT f.*, h.clients, h.ev, epoch(f.end_ts) - epoch(f.start_ts) AS duration_s,
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
)
SELECT c.query_id,
       CASE WHEN c.mechanism IS NULL THEN CASE WHEN c.big THEN 'medium' ELSE 'low' END
            WHEN c.planned THEN 'low' WHEN c.big THEN 'high' ELSE 'medium' END AS severity,
       c.start_ts, c.end_ts,
       CASE WHEN c.mechanism IS NULL THEN
              format('{} {} symptom(s) on {} from {} for {} ({} client(s)) that no mechanism explains: {}', c.symptoms, c.family, array_to_string(c.paths, ', '),
                     strftime(c.start_ts, '%Y-%m-%d %H:%M:%S'), human_duration(c.duration_s), c.clients,
                     CASE c.family WHEN 'transport' THEN 'cannot tell a proxy timeout from a network cut without the proxy config history or its error log at info level'
                                   WHEN 'upstream-down' THEN 'no gateway death, restart or fatal start is in the evidence; docker events or the gateway log of that time would settle it'
                                   WHEN 'token' THEN 'no token change is in the evidence; the config history, .env and the containers'' inspect would settle it'
                                   ELSE 'the evidence of its cause is absent' END)
            ELSE c.headline || '.' || CASE WHEN c.fix_id IS NOT NULL THEN ' Fixed by ' || fx.words || ' at ' || strftime(fx.ts, '%H:%M:%S') || '.' ELSE '' END
                 || CASE WHEN c.runner_mechanism IS NOT NULL THEN format(' Runner-up: {} ({}), which lost ({} against {}): {}.', c.runner_mechanism,
                                 coalesce(ru.words, 'no change'), round(c.runner_score, 2), round(c.score, 2), c.runner_why) ELSE '' END
                 || coalesce(' Missing evidence: ' || c.missing || '.', '') END AS statement,
       CASE WHEN c.mechanism IS NULL THEN 0.3 ELSE least(0.99, c.score) END AS confidence,
       to_json(list_concat(
         CASE WHEN ch.commit_sha IS NOT NULL THEN [{'sha': ch.commit_sha, 'path': ch.path, 'note': 'cause: ' || coalesce(cm.subject, ch.action || ' ' || coalesce(ch.key, ''))}]
              WHEN ch.source_id IS NOT NULL THEN [{'source_id': ch.source_id, 'line': ch.line_no, 'note': 'cause: ' || coalesce(ch.detail, ch.action)}] ELSE [] END,
         CASE WHEN tr.source_id IS NOT NULL AND tr.change_id <> c.change_id THEN [{'source_id': tr.source_id, 'line': tr.line_no, 'note': 'trigger: ' || coalesce(tr.detail, tr.action)}] ELSE [] END,
         CASE WHEN fx.commit_sha IS NOT NULL THEN [{'sha': fx.commit_sha, 'path': fx.path, 'note': 'fix: ' || coalesce(fm.subject, fx.key)}]
              WHEN fx.source_id IS NOT NULL THEN [{'source_id': fx.source_id, 'line': fx.line_no, 'note': 'fix: ' || coalesce(fx.detail, fx.action)}] ELSE [] END,
         c.ev))::VARCHAR AS evidence,
       CASE WHEN c.mechanism IS NULL THEN format('{} {} symptom(s) on {} that no mechanism explains', c.symptoms, c.family, array_to_string(c.paths, ', ')) ELSE c.headline END AS headline,
       {'clients': c.clients, 'sessions': c.symptoms, 'paths': c.paths, 'duration_s': round(c.duration_s, 1), 'clients_before': c.clients_before} AS impact,
       c.mechanism,
       CASE WHEN ch.change_id IS NOT NULL THEN {'statement': concat_ws(' ', change_words(ch.kind, ch.action, ch.component, ch.key, ch.commit_sha, ch.detail),
                                                             '(' || ch.key || ')', CASE WHEN tr.change_id <> ch.change_id THEN ', applied by ' || coalesce(tr.detail, tr.action) END),
              'kind': ch.kind, 'commit': ch.commit_sha, 'action': ch.action, 'key': ch.key, 'at': ch.ts,
              'citation': coalesce(ch.commit_sha[1:12] || coalesce(' ' || ch.path, ''), ch.path || coalesce(':' || ch.line_no, ''), src.path || coalesce(':' || ch.line_no, '')),
              'applied_by': tr.detail, 'applied_at': tr.ts, 'lag_s': c.lag_s} END AS "trigger",
       CASE WHEN c.runner_mechanism IS NOT NULL THEN {'statement': c.runner_headline, 'mechanism': c.runner_mechanism,
              'why_lost': format('{} (score {} against {}: share of the symptoms explained, key, path and lag fit)', c.runner_why,
                                 round(c.runner_score, 2), round(c.score, 2)),
              'score': c.runner_score, 'best_score': c.score} END AS runner_up,
       CASE WHEN fx.change_id IS NOT NULL THEN {'statement': concat_ws(' ', fx.words || coalesce(' "' || fm.subject || '"', ''), '(' || fx.key || ')'),
              'kind': fx.kind, 'commit': fx.commit_sha, 'action': fx.action, 'key': fx.key, 'at': fx.ts, 'value': fx.new_value,
              'citation': coalesce(fx.commit_sha[1:12] || coalesce(' ' || fx.path, ''), fx.path)} END AS fix,
       c.remediation,
       -- the mechanism, or "unexplained" (the column the old ws1006 query had, for scripts that read it)
       coalesce(c.mechanism, 'unexplained') AS explanation,
       ch.commit_sha AS commit_sha, c.lag_s, c.facts, c.episodes, c.missing
FROM c
LEFT JOIN candidate_changes ch ON ch.change_id = c.change_id
LEFT JOIN commits cm ON cm.sha = ch.commit_sha
LEFT JOIN sources src ON src.source_id = ch.source_id
LEFT JOIN candidate_changes tr ON tr.change_id = c.trigger_id
LEFT JOIN (SELECT *, change_words(kind, action, component, key, commit_sha, detail) AS words FROM candidate_changes) fx ON fx.change_id = c.fix_id
LEFT JOIN commits fm ON fm.sha = fx.commit_sha
LEFT JOIN (SELECT change_id, change_words(kind, action, component, key, commit_sha, detail) AS words FROM candidate_changes) ru ON ru.change_id = c.runner_change_id;
