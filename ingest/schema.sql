-- clawtrail evidence store: every table, in one place.
-- This file is the contract between ingest/, queries/ and reports/. docs/schema.md explains each column.
--
-- Conventions
--   * Every evidence row carries (source_id, line_no): sources.path + line_no is the citation `file:line`.
--     line_no is 1-based and counts physical lines of the decompressed file (a merged json-file record cites
--     its first physical line; line_count says how many it spans).
--   * Instants are TIMESTAMPTZ in UTC (the session TimeZone is pinned to UTC). ts_text keeps the original
--     text; tz_assumed is true when the text carried no zone and --tz (default UTC) was applied.
--   * Secrets never appear: tokens are stored as keyed fingerprints (fp_*), URLs lose their token= values.

CREATE SEQUENCE IF NOT EXISTS source_id_seq START 1;

-- One row per input file (or git repository).
CREATE TABLE IF NOT EXISTS sources (
  source_id      INTEGER PRIMARY KEY,
  path           VARCHAR NOT NULL,      -- as given on the command line (or found under a given folder)
  kind           VARCHAR NOT NULL,      -- gateway-log | proxy-access | proxy-error | docker-inspect | docker-events
                                        -- | compose | dotenv | openclaw-config | config-audit | devices | proxy-config
                                        -- | git | unknown
  format         VARCHAR NOT NULL,      -- detected (or forced) format, e.g. docker-json-file, nginx-access:main
  series         VARCHAR,               -- rotated series key (access.log for access.log.2.gz) or NULL
  series_index   INTEGER,               -- 0 = oldest file of the series
  sha256         VARCHAR,               -- of the bytes on disk
  bytes          BIGINT,                -- on disk
  total_lines    BIGINT,                -- physical lines after decompression
  parsed_lines   BIGINT,                -- lines understood (includes blank_lines)
  rejected_lines BIGINT,                -- lines stored in rejects
  blank_lines    BIGINT,
  first_ts       TIMESTAMPTZ,
  last_ts        TIMESTAMPTZ,
  tz             VARCHAR,               -- 'stated' | 'assumed:<zone>' | 'mixed:<zone>' | 'none'
  status         VARCHAR NOT NULL,      -- ok | partial | unknown-format | error
  note           VARCHAR,               -- why a file was not (fully) read
  ingested_at    TIMESTAMPTZ
);

-- Lines that no parser of the detected format accepted.
CREATE TABLE IF NOT EXISTS rejects (
  source_id INTEGER NOT NULL,
  line_no   BIGINT NOT NULL,
  reason    VARCHAR NOT NULL,
  raw       VARCHAR               -- the line, secrets redacted, cut to 512 characters
);

-- Gateway (and gateway-client) log events, whatever shape they arrived in.
CREATE TABLE IF NOT EXISTS gateway_events (
  source_id      INTEGER NOT NULL,
  line_no        BIGINT NOT NULL,
  line_count     INTEGER NOT NULL DEFAULT 1,
  ts             TIMESTAMPTZ,           -- best instant: the line's own zoned stamp, else the docker daemon stamp
  ts_text        VARCHAR,               -- the stamp text the instant came from
  tz_assumed     BOOLEAN,
  daemon_ts      TIMESTAMPTZ,           -- docker receive time (json-file `time`, `docker logs -t`)
  container      VARCHAR,               -- compose prefix / container name when the shape carries one
  service        VARCHAR,               -- compose service (prefix without the -N replica suffix)
  stream         VARCHAR,               -- stdout | stderr | NULL
  shape          VARCHAR,               -- compact | pretty | json-console | tslog | openclaw-logs | raw
  level          VARCHAR,               -- trace|debug|info|warn|error|fatal (from the line, its colour or its stream)
  subsystem      VARCHAR,               -- e.g. ws, gateway, reload (console display name) or gateway/ws (file log)
  event          VARCHAR NOT NULL,      -- see docs/schema.md: connected, disconnected, closed-before-connect, unauthorized, …
  message        VARCHAR,               -- ANSI stripped, token values redacted
  close_code     INTEGER,
  close_reason   VARCHAR,
  auth_reason    VARCHAR,               -- token_mismatch, device_token_mismatch, ...
  cause          VARCHAR,               -- close meta cause (file log) e.g. pairing-required
  conn_id        VARCHAR,
  peer           VARCHAR,
  remote         VARCHAR,
  fwd            VARCHAR,
  origin         VARCHAR,
  host           VARCHAR,
  user_agent     VARCHAR,
  client         VARCHAR,
  client_mode    VARCHAR,
  client_version VARCHAR,
  auth_method    VARCHAR,
  device_id      VARCHAR,
  request_id     VARCHAR,
  role           VARCHAR,
  changed_paths  VARCHAR,               -- comma-separated config paths of reload lines
  version        VARCHAR,               -- a version the line states (banner, newer-config warning, client)
  signal         VARCHAR,
  meta           VARCHAR                -- JSON meta object of file-log records
);

-- Reverse-proxy access lines (nginx, Caddy, Traefik, HAProxy, Envoy).
CREATE TABLE IF NOT EXISTS proxy_requests (
  source_id       INTEGER NOT NULL,
  line_no         BIGINT NOT NULL,
  proxy           VARCHAR NOT NULL,     -- nginx | caddy | traefik | haproxy | envoy
  ts              TIMESTAMPTZ,          -- when the line was written = end of the request (WebSocket: its close)
  ts_text         VARCHAR,
  tz_assumed      BOOLEAN,
  started_at      TIMESTAMPTZ,          -- ts - request_time
  remote_addr     VARCHAR,
  method          VARCHAR,
  path            VARCHAR,              -- token= values redacted
  protocol        VARCHAR,
  status          INTEGER,
  bytes_sent      BIGINT,
  request_time    DOUBLE,               -- seconds; for a 101 this is the WebSocket's lifetime
  upstream_time   DOUBLE,               -- seconds (last value of an upstream list)
  upstream_status VARCHAR,
  upstream_addr   VARCHAR,
  host            VARCHAR,
  referer         VARCHAR,
  user_agent      VARCHAR,
  xff             VARCHAR,
  upgrade         VARCHAR,              -- $http_upgrade when logged
  worker_pid      INTEGER,              -- nginx $pid when logged
  is_websocket    BOOLEAN               -- status 101, or an Upgrade: websocket request
);

-- Reverse-proxy error / event log lines.
CREATE TABLE IF NOT EXISTS proxy_errors (
  source_id  INTEGER NOT NULL,
  line_no    BIGINT NOT NULL,
  proxy      VARCHAR NOT NULL,
  ts         TIMESTAMPTZ,
  ts_text    VARCHAR,
  tz_assumed BOOLEAN,
  level      VARCHAR,
  pid        INTEGER,
  conn_serial BIGINT,
  kind       VARCHAR NOT NULL,          -- upstream-timeout | upstream-prematurely-closed | upstream-reset
                                        -- | connect-refused | reload | reconfigure | signal | worker-exit
                                        -- | shutdown | start | other
  upgraded   BOOLEAN,                   -- "while proxying upgraded connection"
  message    VARCHAR,
  client     VARCHAR,
  upstream   VARCHAR,
  request    VARCHAR,
  host       VARCHAR,
  signal     VARCHAR
);

-- config-audit.jsonl records (who wrote openclaw.json, when).
CREATE TABLE IF NOT EXISTS config_audit (
  source_id     INTEGER NOT NULL,
  line_no       BIGINT NOT NULL,
  ts            TIMESTAMPTZ,
  ts_text       VARCHAR,
  event         VARCHAR,
  result        VARCHAR,
  config_path   VARCHAR,
  argv          VARCHAR,               -- the writer's command line (token-like arguments redacted)
  pid           INTEGER,
  previous_hash VARCHAR,
  next_hash     VARCHAR,
  changed_path_count INTEGER,
  suspicious    VARCHAR
);

-- docker inspect snapshots: one row per container per snapshot.
CREATE TABLE IF NOT EXISTS containers (
  source_id       INTEGER NOT NULL,
  line_no         BIGINT,               -- line of the container's "Id" in the dump
  snapshot_at     TIMESTAMPTZ,
  snapshot_assumed BOOLEAN,
  container_id    VARCHAR NOT NULL,
  name            VARCHAR,
  project         VARCHAR,
  service         VARCHAR,
  container_number INTEGER,
  oneoff          BOOLEAN,
  config_hash     VARCHAR,
  replace_of      VARCHAR,
  image           VARCHAR,
  image_id        VARCHAR,
  created         TIMESTAMPTZ,
  started_at      TIMESTAMPTZ,
  finished_at     TIMESTAMPTZ,
  status          VARCHAR,
  exit_code       INTEGER,
  oom_killed      BOOLEAN,
  restart_count   INTEGER,
  restart_policy  VARCHAR,
  health_status   VARCHAR,
  health_failing_streak INTEGER,
  health_log      VARCHAR,              -- JSON of the last probes
  tty             BOOLEAN,
  "user"          VARCHAR,
  hc_interval_s   DOUBLE,
  hc_timeout_s    DOUBLE,
  hc_start_period_s DOUBLE,
  hc_retries      INTEGER,
  network_gateways VARCHAR,             -- comma-separated gateway IPs
  log_path        VARCHAR
);

CREATE TABLE IF NOT EXISTS container_mounts (
  source_id    INTEGER NOT NULL,
  snapshot_at  TIMESTAMPTZ,
  container_id VARCHAR NOT NULL,
  type         VARCHAR,                 -- bind | volume | tmpfs
  name         VARCHAR,                 -- volume name
  mount_source VARCHAR,
  destination  VARCHAR,
  rw           BOOLEAN
);

CREATE TABLE IF NOT EXISTS container_env (
  source_id    INTEGER NOT NULL,
  snapshot_at  TIMESTAMPTZ,
  container_id VARCHAR NOT NULL,
  key          VARCHAR NOT NULL,
  value        VARCHAR,                 -- NULL when secret
  fp           VARCHAR,                 -- keyed fingerprint when secret
  secret_shape VARCHAR                  -- hex48 | hex64 | template | secretref | redacted | empty | other:<n>
);

-- docker events (JSON and text forms).
CREATE TABLE IF NOT EXISTS docker_events (
  source_id    INTEGER NOT NULL,
  line_no      BIGINT NOT NULL,
  ts           TIMESTAMPTZ NOT NULL,
  time_nano    BIGINT,
  type         VARCHAR,
  action       VARCHAR,                 -- without the ": detail" suffix
  action_detail VARCHAR,                -- exec_start: <cmd> / health_status: <status>
  actor_id     VARCHAR,
  name         VARCHAR,
  image        VARCHAR,
  project      VARCHAR,
  service      VARCHAR,
  container_number INTEGER,
  exit_code    INTEGER,
  signal       VARCHAR,
  replace_of   VARCHAR,
  config_hash  VARCHAR,
  attributes   VARCHAR                  -- JSON of every attribute (secret-like values fingerprinted)
);

-- Config values over time, from files in the bundle, git revisions and inspect snapshots.
CREATE TABLE IF NOT EXISTS config_values (
  surface     VARCHAR NOT NULL,         -- openclaw.json | .env | compose | nginx.conf | caddyfile | container-env | engine
  key         VARCHAR NOT NULL,         -- e.g. gateway.auth.token, OPENCLAW_GATEWAY_TOKEN, services.x.environment.Y
  value       VARCHAR,                  -- NULL for secrets
  fp          VARCHAR,                  -- keyed fingerprint for secrets
  secret_shape VARCHAR,
  valid_from  TIMESTAMPTZ,              -- commit time, file mtime or snapshot time
  valid_from_assumed BOOLEAN,
  commit_sha  VARCHAR,                  -- when from git
  path        VARCHAR,                  -- file path (in the repo or bundle)
  source_id   INTEGER,
  line_no     BIGINT                    -- line of the key in the file when known
);

CREATE TABLE IF NOT EXISTS commits (
  source_id     INTEGER NOT NULL,
  sha           VARCHAR NOT NULL,
  parents       VARCHAR,
  author        VARCHAR,
  author_email  VARCHAR,
  author_time   TIMESTAMPTZ,
  committer_time TIMESTAMPTZ,
  subject       VARCHAR
);

-- A history rewritten by `clawtrail collect` (secrets fingerprinted) has new commit ids; git/commit-map.txt in the
-- bundle maps each to the id it has in the user's own repository, so reports can name both.
CREATE TABLE IF NOT EXISTS commit_map (
  sha          VARCHAR NOT NULL,        -- the id in the bundle's (rewritten) history
  original_sha VARCHAR NOT NULL,        -- the id in the repository it was collected from
  source_id    INTEGER NOT NULL,
  line_no      BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS commit_files (
  source_id INTEGER NOT NULL,
  sha       VARCHAR NOT NULL,
  path      VARCHAR NOT NULL,
  status    VARCHAR,
  added     INTEGER,
  removed   INTEGER
);

-- Paired/pending devices (devices/paired.json, pending.json) and the 2026.9 state database's presence.
CREATE TABLE IF NOT EXISTS devices (
  source_id   INTEGER NOT NULL,
  state       VARCHAR NOT NULL,         -- paired | pending | state-db
  device_id   VARCHAR,
  request_id  VARCHAR,
  role        VARCHAR,
  client_id   VARCHAR,
  remote_ip   VARCHAR,
  created_at  TIMESTAMPTZ,
  approved_at TIMESTAMPTZ,
  token_fp    VARCHAR,
  detail      VARCHAR
);

-- Findings written by the canned queries (queries/*.sql).
CREATE TABLE IF NOT EXISTS findings (
  finding_id  VARCHAR NOT NULL,         -- stable content hash
  query_id    VARCHAR NOT NULL,
  severity    VARCHAR NOT NULL,         -- info | low | medium | high | critical
  rank        INTEGER,
  start_ts    TIMESTAMPTZ,
  end_ts      TIMESTAMPTZ,
  statement   VARCHAR NOT NULL,
  confidence  DOUBLE,
  evidence    VARCHAR,                  -- JSON list of {source, path, line, sha, event}
  details     VARCHAR                   -- JSON of the query row
);

-- Case metadata (tool version, command line, options).
CREATE TABLE IF NOT EXISTS case_meta (
  key   VARCHAR PRIMARY KEY,
  value VARCHAR
);

-- Shared SQL helpers used by the ingest scripts.
-- ANSI colour/control sequences (gateway stdout carries them even when it is not a terminal).
CREATE OR REPLACE MACRO strip_ansi(s) AS regexp_replace(s, '\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]', '', 'g');
-- Token values in URLs and in the setup script's echo never reach the store.
CREATE OR REPLACE MACRO redact(s) AS
  -- one cheap test first: almost no line holds a secret, and the five rewrites cost five regex passes
  CASE WHEN NOT regexp_matches(s, '(?i)token|passw|secret|bearer|api_?key|session_?key|cookie|private') THEN s ELSE
  regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(s,
    '(?i)((?:^|[?#&;/\s])(?:token|access_token|auth_token|gateway_token)=)[^&\s"#;]+', '\1[REDACTED]', 'g'),
    '(?i)((?:gateway token|token)\s*[:=]\s*["'']?)[A-Za-z0-9_\-\.]{16,}', '\1[REDACTED]', 'g'),
    '(\b[A-Z0-9_]*(?:TOKEN|PASSWORD|SECRET|API_KEY|SESSION_KEY|COOKIE)[A-Z0-9_]*\s*[=:]\s*["'']?)[^\s"'',&]+', '\1[REDACTED]', 'g'),
    '(?i)("[A-Za-z_]*(?:token|password|secret|privateKey|apiKey)[A-Za-z_]*"\s*:\s*")[^"]+(")', '\1[REDACTED]\2', 'g'),
    '(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}', '\1[REDACTED]', 'g'),
    '(?i)(--(?:token|password)(?:=|\s+|",\s*"))[^\s"]+', '\1[REDACTED]', 'g') END;
-- A cited raw line: redacted, control characters made visible, bounded.
CREATE OR REPLACE MACRO reject_raw(s) AS left(regexp_replace(redact(s), '[\x00-\x08\x0b-\x1f\x7f]', '�', 'g'), 512);
-- nginx time values ("3600s", "1h", "500ms", "60", "60s (default)") in seconds.
CREATE OR REPLACE MACRO nginx_seconds(v) AS
  TRY_CAST(regexp_extract(v, '^\s*(\d+(?:\.\d+)?)', 1) AS DOUBLE)
  * CASE regexp_extract(v, '^\s*\d+(?:\.\d+)?(ms|s|m|h|d)?', 1) WHEN 'ms' THEN 0.001 WHEN 'm' THEN 60 WHEN 'h' THEN 3600 WHEN 'd' THEN 86400 ELSE 1 END;
-- '-' and '' are "no value" in proxy logs.
CREATE OR REPLACE MACRO dash_null(s) AS CASE WHEN s IN ('-', '') THEN NULL ELSE s END;

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
-- from proxy access lines (a 101 line is written when the upgraded connection ends; 502/504 on an upgrade).
CREATE OR REPLACE VIEW ws_closes AS
SELECT ts, close_code AS code, 'gateway' AS seen_by, event AS how, source_id, line_no, close_reason AS detail, NULL::DOUBLE AS lifetime_s
FROM gateway_events WHERE event IN ('disconnected', 'closed-before-connect', 'closed') AND close_code IS NOT NULL AND ts IS NOT NULL
-- the same close in the console log and the file log is one close (same connection id)
QUALIFY row_number() OVER (PARTITION BY coalesce(conn_id, source_id || ':' || line_no), event ORDER BY source_id, line_no) = 1
UNION ALL
SELECT ts, close_code, 'client', event, source_id, line_no, close_reason, NULL
FROM gateway_events WHERE event = 'client-closed' AND close_code IS NOT NULL AND ts IS NOT NULL
UNION ALL
SELECT ts, CASE WHEN status IN (502, 504) THEN 1006 END, 'proxy', proxy || ' ' || status, source_id, line_no,
       'upgraded connection ended after ' || round(request_time, 3) || ' s', request_time
FROM proxy_requests WHERE is_websocket AND status IN (101, 502, 504) AND ts IS NOT NULL;
