-- ---
-- id: health-and-timeouts
-- title: Healthcheck settings, cold start and proxy idle timeouts against the baselines
-- severity: low
-- group: config
-- sarif: true
-- answers: >
--   Do the compose healthcheck settings meet the baselines (start_period ≥ 45 s, interval 30 s, retries 5,
--   timeout 5 s)? How long did the gateway take from container start to ready? Is a proxy idle timeout shorter than
--   the gateway's 30 s tick (which kills idle WebSockets)? Were there unhealthy streaks?
-- params:
--   start_period_min_s: {default: 45, unit: seconds, description: baseline healthcheck start_period}
--   interval_s: {default: 30, unit: seconds, description: baseline healthcheck interval}
--   retries: {default: 5, unit: probes, description: baseline healthcheck retries}
--   timeout_s: {default: 5, unit: seconds, description: baseline healthcheck timeout}
--   tick_s: {default: 30, unit: seconds, description: gateway tick interval (tickIntervalMs)}
-- needs: [config_values, docker_events, gateway_events]
-- ---
-- what to do depends on the row: the remediation column
SELECT *, CASE WHEN statement LIKE '%start_period%' THEN 'Raise the compose healthcheck `start_period` to at least 45 s.'
            WHEN statement LIKE '%tick%' THEN 'Raise the proxy idle timeout above the gateway''s 30 s tick.' END AS remediation
FROM (
WITH hc AS (
  SELECT split_part(key, '.', 2) AS service, split_part(key, '.', 4) AS setting, arg_max(value, valid_from) AS value,
         arg_max(source_id, valid_from) AS source_id, arg_max(line_no, valid_from) AS line_no, arg_max(commit_sha, valid_from) AS sha, arg_max(path, valid_from) AS path
  FROM config_values WHERE surface = 'compose' AND key LIKE 'services.%.healthcheck.%' AND regexp_matches(key, '(?i)gateway')
  GROUP BY ALL
), hc_bad AS (
  SELECT *, nginx_seconds(value) AS secs FROM hc
  WHERE (setting = 'start_period' AND nginx_seconds(value) < $start_period_min_s)
     OR (setting = 'interval' AND nginx_seconds(value) <> $interval_s)
     OR (setting = 'retries' AND TRY_CAST(value AS DOUBLE) <> $retries)
     OR (setting = 'timeout' AND nginx_seconds(value) <> $timeout_s)
), starts AS (
  SELECT e.ts, e.actor_id, e.source_id, e.line_no FROM docker_events e
  WHERE e.action IN ('start') AND regexp_matches(coalesce(e.service, e.name, ''), '(?i)gateway')
), cold AS (
  SELECT s.ts AS started, min(g.ts) AS ready_ts, arg_min(g.source_id, g.ts) AS g_src, arg_min(g.line_no, g.ts) AS g_line, any_value(s.source_id) AS e_src, any_value(s.line_no) AS e_line
  FROM starts s JOIN gateway_events g ON g.event IN ('ready', 'listening') AND g.ts >= s.ts AND g.ts < s.ts + INTERVAL 10 MINUTE
  GROUP BY s.ts
), cold_stats AS (
  SELECT count(*) AS n, max(epoch(ready_ts) - epoch(started)) AS worst_s, median(epoch(ready_ts) - epoch(started)) AS median_s,
         arg_max({'e_src': e_src, 'e_line': e_line, 'g_src': g_src, 'g_line': g_line}, epoch(ready_ts) - epoch(started)) AS worst
  FROM cold
), idle AS (
  SELECT key, arg_max(value, valid_from) AS value, arg_max(source_id, valid_from) AS source_id, arg_max(line_no, valid_from) AS line_no,
         arg_max(commit_sha, valid_from) AS sha, arg_max(path, valid_from) AS path
  FROM config_values WHERE surface = 'nginx.conf' AND key IN ('proxy_read_timeout', 'proxy_send_timeout') GROUP BY key
), unhealthy AS (
  SELECT count(*) AS n, min(ts) AS first_ts, max(ts) AS last_ts, list({'source_id': source_id, 'line': line_no, 'note': 'unhealthy'} ORDER BY ts, source_id, line_no)[1:5] AS ev
  FROM docker_events WHERE action = 'health_status' AND action_detail = 'unhealthy'
)
SELECT 'low' AS severity, NULL AS start_ts, NULL AS end_ts,
       format('Healthcheck of {}: {} is {} (baseline: start_period ≥ {}s, interval {}s, retries {}, timeout {}s)', service, setting, value,
              $start_period_min_s, $interval_s, $retries, $timeout_s) AS statement,
       0.9 AS confidence, to_json([{'source_id': source_id, 'line': line_no, 'sha': sha, 'path': path, 'note': setting}])::VARCHAR AS evidence
FROM hc_bad
UNION ALL
SELECT CASE WHEN worst_s > $start_period_min_s THEN 'medium' ELSE 'info' END, NULL, NULL,
       format('Gateway cold start (container start → ready) measured {} time(s): median {} s, worst {} s{}', n, round(median_s, 1), round(worst_s, 1),
              CASE WHEN worst_s > $start_period_min_s THEN ' — longer than the healthcheck start_period baseline' ELSE '' END),
       0.9, to_json([{'source_id': worst.e_src, 'line': worst.e_line, 'note': 'start'}, {'source_id': worst.g_src, 'line': worst.g_line, 'note': 'ready'}])::VARCHAR
FROM cold_stats WHERE n > 0
UNION ALL
SELECT 'high', NULL, NULL,
       format('nginx {} is {}, shorter than the gateway''s {} s tick: idle WebSockets are cut (1006) before the next tick', key, value, $tick_s),
       0.9, to_json([{'source_id': source_id, 'line': line_no, 'sha': sha, 'path': path, 'note': key}])::VARCHAR
FROM idle WHERE nginx_seconds(value) < $tick_s
UNION ALL
SELECT 'medium', first_ts, last_ts, format('{} unhealthy healthcheck transition(s) between {} and {}', n, strftime(first_ts, '%Y-%m-%d %H:%M'), strftime(last_ts, '%Y-%m-%d %H:%M')),
       0.9, to_json(ev)::VARCHAR
FROM unhealthy WHERE n > 0
)
