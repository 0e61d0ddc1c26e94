-- Building blocks shared by the canned queries (installed before they run). Each is a view or a table macro over
-- the evidence tables of ingest/schema.sql.

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
-- The per-row work is done once, into a temp table; the macro only applies the threshold.
CREATE OR REPLACE TEMP TABLE ws_close_base AS
WITH timeouts AS (
  SELECT coalesce(list(DISTINCT nginx_seconds(value)) FILTER (WHERE nginx_seconds(value) < 600), []) AS secs
  FROM config_values WHERE surface = 'nginx.conf' AND key = 'proxy_read_timeout'
), c AS (
  SELECT *, count(*) OVER (PARTITION BY seen_by, epoch(ts)::BIGINT) AS same_second FROM ws_closes
)
SELECT c.ts, c.seen_by, c.how, c.source_id, c.line_no, c.detail, c.lifetime_s, c.code, c.same_second,
       c.seen_by = 'proxy' AND len(list_filter(t.secs, lambda x: abs(c.lifetime_s - x) <= 1.5)) > 0 AS timeout_match
FROM c, timeouts t;

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
         list(DISTINCT seen_by) AS seen_by,
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
       list_distinct(flatten(list(seen_by))) AS seen_by, flatten(list(ev ORDER BY minute))[1:12] AS evidence_lines,
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
