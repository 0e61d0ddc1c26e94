-- ---
-- id: restart-flaps
-- title: Restart flaps and crash loops
-- severity: medium
-- group: cause
-- remediation: >
--   Fix the cause of the repeated exits (see the exit codes) before relying on `restart: unless-stopped`.
-- answers: >
--   Which containers died repeatedly with a non-zero exit code (1, 78 config error, 137 killed, 143 SIGTERM
--   unhandled) — a crash loop — and which restarted often, from docker events (die/start) and inspect
--   (RestartCount, OOMKilled); how long they stayed up between deaths.
-- params:
--   loop_window_minutes: {default: 10, unit: minutes, description: window in which repeated deaths make a crash loop}
--   loop_min_deaths: {default: 3, unit: deaths, description: non-zero deaths in the window that make a crash loop}
--   flap_min_restarts: {default: 3, unit: restarts per day, description: restarts that make a flap}
-- needs: [docker_events, containers]
-- ---
WITH dies AS (
  -- deaths nobody asked for (container_lifecycle: not right after a kill or stop event)
  SELECT *, count(*) FILTER (WHERE exit_code <> 0) OVER (PARTITION BY actor_id ORDER BY ts
              RANGE BETWEEN to_minutes(CAST($loop_window_minutes AS BIGINT)) PRECEDING AND CURRENT ROW) AS recent_nonzero
  FROM container_lifecycle WHERE action = 'die' AND NOT asked
), loops AS (
  SELECT actor_id, any_value(coalesce(service, name)) AS who, min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS deaths,
         list_sort(list(DISTINCT exit_code)) AS codes, list({'source_id': source_id, 'line': line_no, 'note': 'die exitCode=' || exit_code} ORDER BY ts, source_id, line_no)[1:6] AS ev
  FROM dies WHERE exit_code <> 0 AND actor_id IN (SELECT actor_id FROM dies WHERE recent_nonzero >= $loop_min_deaths)
  GROUP BY actor_id
), flaps AS (
  -- a restart is a death followed by a start of the same container
  SELECT actor_id, any_value(coalesce(service, name)) AS who, time_bucket(INTERVAL 1 DAY, ts) AS day, count(*) AS restarts,
         list({'source_id': source_id, 'line': line_no, 'note': 'die exitCode=' || coalesce(exit_code::VARCHAR, '?')} ORDER BY ts, source_id, line_no)[1:6] AS ev
  FROM docker_events WHERE action = 'die' AND actor_id NOT IN (SELECT actor_id FROM loops)
  GROUP BY actor_id, day HAVING count(*) >= $flap_min_restarts
), counted AS (
  SELECT container_id, arg_max(coalesce(service, name), snapshot_at) AS who, max(restart_count) AS rc, bool_or(oom_killed) AS oom,
         arg_max(source_id, snapshot_at) AS source_id, arg_max(line_no, snapshot_at) AS line_no
  FROM containers GROUP BY container_id HAVING max(restart_count) >= $flap_min_restarts OR bool_or(oom_killed)
)
SELECT 'high' AS severity, first_ts AS start_ts, last_ts AS end_ts,
       format('Crash loop of {}: {} non-zero deaths (exit codes {}) from {} to {}', who, deaths, array_to_string(codes, ', '),
              strftime(first_ts, '%Y-%m-%d %H:%M:%S'), strftime(last_ts, '%H:%M:%S')) AS statement,
       0.9 AS confidence, to_json(ev)::VARCHAR AS evidence
FROM loops
UNION ALL
SELECT 'medium', day, day + INTERVAL 1 DAY, format('{} (re)started {} times on {}', who, restarts, strftime(day, '%Y-%m-%d')), 0.8, to_json(ev)::VARCHAR
FROM flaps
UNION ALL
SELECT CASE WHEN oom THEN 'high' ELSE 'medium' END, NULL, NULL,
       format('{}: RestartCount {}{}', who, rc, CASE WHEN oom THEN ', OOMKilled' ELSE '' END), 0.9,
       to_json([{'source_id': source_id, 'line': line_no, 'note': 'docker inspect'}])::VARCHAR
FROM counted
