-- clawtrail evidence store: every table, in one place.
-- With views.sql (derived views and macros), derived.sql (derived tables) and the generated redact.sql, this is the
-- contract between ingest/, collect/, queries/ and reports/. docs/schema.md explains each column.
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

-- Reverse-proxy access lines (nginx, Caddy, Traefik, HAProxy, Envoy), whether from the proxy's own log file or from
-- its container's log (docker json-file, `docker logs -t`, compose prefix, syslog).
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
  is_websocket    BOOLEAN,              -- a WebSocket, whatever the status: Upgrade: websocket logged, a 101, Caddy's
                                        -- status-0 tunnel line with upgrade headers
  container       VARCHAR,              -- the container (or syslog tag) whose log carried the line; NULL for a log file
  route           VARCHAR,              -- the proxy's name for what served it: HAProxy frontend, Traefik router,
                                        -- Envoy route, ingress-nginx upstream name
  end_state       VARCHAR,              -- the proxy's own end code as logged: HAProxy termination state (cD--),
                                        -- Envoy response flags (UF,URX)
  end_reason      VARCHAR,              -- done | client-closed | client-timeout | server-closed | server-timeout
                                        -- | connect-failed | server-error | killed | denied | proxy-error (docs/schema.md)
  queue_time      DOUBLE,               -- seconds waiting in queues (HAProxy Tw)
  connect_time    DOUBLE,               -- seconds to connect to the upstream (HAProxy Tc, nginx $upstream_connect_time)
  header_time     DOUBLE                -- seconds until the upstream's response headers (HAProxy Tr, nginx
                                        -- $upstream_header_time, Traefik OriginDuration)
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
                                        -- | connect-refused | client-closed | reload | reconfigure | signal
                                        -- | worker-exit | hard-stop | server-down | server-up | shutdown | start | other
  upgraded   BOOLEAN,                   -- "while proxying upgraded connection"
  message    VARCHAR,
  client     VARCHAR,
  upstream   VARCHAR,
  request    VARCHAR,
  host       VARCHAR,
  signal     VARCHAR,
  container  VARCHAR,                   -- the container (or syslog tag) whose log carried the line
  end_reason VARCHAR                    -- for a line that tells how a connection ended: as in proxy_requests
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

-- Findings written by the canned queries (queries/*.sql): case/finding.ts is their shape in TypeScript.
CREATE TABLE IF NOT EXISTS findings (
  finding_id  VARCHAR NOT NULL,         -- findingId(): hash of (query_id, statement, start)
  query_id    VARCHAR NOT NULL,
  query_group VARCHAR NOT NULL,         -- cause | config | symptom | cost | coverage (the query header's group)
  severity    VARCHAR NOT NULL,         -- info | low | medium | high | critical
  rank        INTEGER,
  start_ts    TIMESTAMPTZ,
  end_ts      TIMESTAMPTZ,
  statement   VARCHAR NOT NULL,
  confidence  DOUBLE,
  remediation VARCHAR,                  -- what to do: the row's remediation column, else the header's
  evidence    VARCHAR,                  -- JSON list of {source_id, path, line, sha, note}
  details     VARCHAR                   -- JSON of the query row's other columns
);
-- The explanation a query may give (case/finding.ts; NULL when it gives none). Added columns: older cases gain them.
ALTER TABLE findings ADD COLUMN IF NOT EXISTS headline VARCHAR;    -- what happened, in plain words
ALTER TABLE findings ADD COLUMN IF NOT EXISTS impact VARCHAR;      -- JSON {clients, sessions, paths, duration_s, signals, basis}
ALTER TABLE findings ADD COLUMN IF NOT EXISTS mechanism VARCHAR;   -- how the cause produced the symptom
ALTER TABLE findings ADD COLUMN IF NOT EXISTS trigger VARCHAR;     -- the change or event that set it off
ALTER TABLE findings ADD COLUMN IF NOT EXISTS runner_up VARCHAR;   -- JSON {statement, why_lost}
ALTER TABLE findings ADD COLUMN IF NOT EXISTS fix VARCHAR;         -- JSON {statement, at, evidence}

-- The queries that produced the findings, as their headers describe them (written with the findings), so a report
-- rendered from the case alone can name and describe each (SARIF rules).
CREATE TABLE IF NOT EXISTS query_catalog (
  query_id    VARCHAR PRIMARY KEY,
  title       VARCHAR NOT NULL,
  query_group VARCHAR NOT NULL,
  severity    VARCHAR NOT NULL,         -- the default severity of its findings
  sarif       BOOLEAN NOT NULL,         -- its findings point at config files or commits (findings.sarif)
  answers     VARCHAR NOT NULL
);

-- Derived: every WebSocket close with its same-second count and whether its lifetime matches a proxy timeout.
-- Refilled from the evidence by case/derived.sql whenever the sources changed (Store.refreshDerived); never
-- written by ingest itself. The ws_close_classified() macro (views.sql) reads it.
CREATE TABLE IF NOT EXISTS ws_close_base (
  ts            TIMESTAMPTZ,
  seen_by       VARCHAR,
  how           VARCHAR,
  source_id     INTEGER,
  line_no       BIGINT,
  detail        VARCHAR,
  lifetime_s    DOUBLE,
  code          INTEGER,
  same_second   BIGINT,
  timeout_match BOOLEAN
);

-- Derived (case/derived.sql): one row per client-visible failure, de-duplicated across observers (the gateway's
-- own reason beats the proxy's line for the same client and instant). family: transport (a session cut by a
-- timeout or together with others), release-cut (ended by a proxy release), upstream-down (502/503/refused),
-- pairing, token, config-fatal, restart-notice (1012/1013), refused-upgrade (403 on an upgrade), not-upgraded
-- (200 on an upgrade), handshake-refused (a proxied upgrade closed within a second: pairing or token when the
-- gateway's own line is missing). path: direct, or the proxy it went through. episode_id: its episode (table episodes).
CREATE TABLE IF NOT EXISTS symptoms (
  ts          TIMESTAMPTZ,
  family      VARCHAR,
  path        VARCHAR,
  client_key  VARCHAR,               -- device id, else forwarded address (+ user agent), else connection id
  client_addr VARCHAR,               -- the first forwarded address, else the remote address
  observer    VARCHAR,               -- gateway | client | proxy
  code        INTEGER,               -- close code or HTTP status when the observer states one
  detail      VARCHAR,
  lifetime_s  DOUBLE,                -- a proxied session's lifetime when the proxy logged it
  source_id   INTEGER,
  line_no     BIGINT,
  episode_id  INTEGER
);

-- Derived: symptoms segmented per family and path; an episode closes after a gap relative to its symptoms'
-- inter-arrival rate and is split where the gateway went down (a change that alters the mix).
CREATE TABLE IF NOT EXISTS episodes (
  episode_id     INTEGER,
  family         VARCHAR,            -- transport (with its release cuts) or the symptom family
  path           VARCHAR,
  start_ts       TIMESTAMPTZ,
  end_ts         TIMESTAMPTZ,
  symptoms       INTEGER,
  clients        INTEGER,            -- distinct client keys hit
  clients_before INTEGER,            -- distinct clients seen on that path in the hour before (NULL: unknown)
  families       VARCHAR[],          -- the symptom families inside
  observers      VARCHAR[],
  source_id      INTEGER,            -- the first symptom's citation
  line_no        BIGINT
);

-- Derived: every change that could explain an episode, from every source: config keys per commit (removed keys
-- too) and per file, proxy releases, gateway lifecycle, container lifecycle, state-mount moves, operator actions.
CREATE TABLE IF NOT EXISTS candidate_changes (
  change_id   VARCHAR,               -- stable: kind, instant and key
  ts          TIMESTAMPTZ,
  kind        VARCHAR,               -- config | file | release | gateway | container | mount | operator
  component   VARCHAR,               -- nginx | caddy | haproxy | traefik | envoy | gateway | env | compose | <service> | …
  action      VARCHAR,               -- e.g. changed, removed, reload, die, start, kill, recreate, fatal-start, reload-skipped, approve
  key         VARCHAR,               -- the config key (or the key the gateway names)
  old_value   VARCHAR,               -- values as stored (fingerprints for secrets)
  new_value   VARCHAR,
  planned     BOOLEAN,               -- container deaths: asked for gracefully (SIGTERM/stop, exit 0) or not
  exit_code   INTEGER,
  seconds     DOUBLE,                -- a duration the change carries (a release's drain, a timeout's new value)
  commit_sha  VARCHAR,
  path        VARCHAR,
  source_id   INTEGER,
  line_no     BIGINT,
  detail      VARCHAR
);

-- Derived by the attribution engine (queries/attribution.ts) from the mechanisms (mechanisms/*.sql): one row per
-- episode × candidate cause a mechanism can explain, with its score parts and the words the findings use.
CREATE TABLE IF NOT EXISTS attributions (
  episode_id  INTEGER,
  mechanism   VARCHAR,
  change_id   VARCHAR,               -- the cause (NULL: the mechanism fits but no change is known)
  trigger_id  VARCHAR,               -- the change that applied it (a release, a restart, a recreate)
  fix_id      VARCHAR,               -- the later change that restored the earlier value and ended the episode
  explained   INTEGER,               -- symptoms of the episode the mechanism explains
  key_match   DOUBLE,                -- 0..1
  path_match  DOUBLE,                -- 0..1
  lag_fit     DOUBLE,                -- 0..1
  planned     BOOLEAN,
  score       DOUBLE,
  lag_s       DOUBLE,
  headline    VARCHAR,
  why         VARCHAR,               -- the reason in words (used for the runner-up's why_lost)
  missing     VARCHAR,               -- evidence that was absent and what was concluded from instead
  facts       VARCHAR                -- JSON of the mechanism's own measurements
);

-- The mechanisms the attribution engine ran (their headers), so a case alone can name them.
CREATE TABLE IF NOT EXISTS mechanism_catalog (
  mechanism   VARCHAR PRIMARY KEY,
  title       VARCHAR NOT NULL,
  query_id    VARCHAR NOT NULL,      -- the canned query whose findings carry its episodes
  remediation VARCHAR,
  planned     BOOLEAN,               -- its causes are planned work
  whole_path  BOOLEAN,               -- it fails every connection of the paths it affects (header `impact: path`)
  explains    VARCHAR                -- comma-separated symptom families
);

-- Case metadata (tool version, command line, options).
CREATE TABLE IF NOT EXISTS case_meta (
  key   VARCHAR PRIMARY KEY,
  value VARCHAR
);
