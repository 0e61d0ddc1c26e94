-- ---
-- id: restart-flaps
-- title: Restart flaps and crash loops
-- severity: medium
-- group: cause
-- remediation: >
--   Fix the cause of the repeated exits (see the exit codes) before relying on `restart: unless-stopped`.
-- answers: >
--   When was the gateway down, and why: a crash loop on an invalid config tied to the commit of the key the gateway
--   names (mechanisms/config-crash-loop.sql), a kill or crash nobody planned (unplanned-kill.sql), or planned work — a
--   restart, a stop, a start (upstream-down.sql, reported low). A crash loop seen in docker events alone (repeated
--   non-zero deaths nobody asked for) that no mechanism explained is listed with what would name its cause. And which
--   containers restarted often, from docker events (die/start) and inspect (RestartCount, OOMKilled).
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
         list(DISTINCT exit_code) AS codes, list({'source_id': source_id, 'line': line_no, 'note': 'die exitCode=' || exit_code} ORDER BY ts, source_id, line_no)[1:6] AS ev
  FROM dies WHERE exit_code <> 0 AND actor_id IN (SELECT actor_id FROM dies WHERE recent_nonzero >= $loop_min_deaths)
  GROUP BY actor_id
), unexplained_loops AS (
  -- the ones attribution did not already tie to a cause
  SELECT * FROM loops l WHERE NOT EXISTS (
    SELECT 1 FROM attributed_causes a WHERE a.explanation IN ('config-crash-loop', 'unplanned-kill')
      AND a.start_ts <= l.last_ts + INTERVAL 1 MINUTE AND coalesce(a.end_ts, a.start_ts) >= l.first_ts - INTERVAL 1 MINUTE)
), flaps AS (
  -- a restart is a death followed by a start of the same container
  SELECT actor_id, any_value(coalesce(service, name)) AS who, time_bucket(INTERVAL 1 DAY, ts) AS day, count(*) AS restarts,
         list({'source_id': source_id, 'line': line_no, 'note': 'die exitCode=' || coalesce(exit_code::VARCHAR, '?')} ORDER BY ts, source_id, line_no)[1:6] AS ev
  FROM docker_events WHERE action = 'die' AND actor_id NOT IN (SELECT actor_id FROM loops) AND NOT is_gateway_service(coalesce(service, name))
  GROUP BY actor_id, day HAVING count(*) >= $flap_min_restarts
), counted AS (
  SELECT container_id, arg_max(coalesce(service, name), snapshot_at) AS who, max(restart_count) AS rc, bool_or(oom_killed) AS oom,
         arg_max(source_id, snapshot_at) AS source_id, arg_max(line_no, snapshot_at) AS line_no
  FROM containers GROUP BY container_id HAVING max(restart_count) >= $flap_min_restarts OR bool_or(oom_killed)
)
SELECT severity, start_ts, end_ts, statement, confidence, evidence, headline, impact, mechanism, "trigger", runner_up, fix, remediation,
       explanation, commit_sha, lag_s, facts, episodes, missing
FROM attributed_causes WHERE query_id = 'restart-flaps'
UNION ALL
SELECT 'high', first_ts, last_ts,
       format('Crash loop of {}: {} non-zero deaths (exit codes {}) from {} to {}; no mechanism named its cause: {}', who, deaths, array_to_string(codes, ', '),
              strftime(first_ts, '%Y-%m-%d %H:%M:%S'), strftime(last_ts, '%H:%M:%S'),
              CASE WHEN list_contains(codes, 78) THEN 'exit 78 is a config error, and the gateway''s log of these starts (which names the key) is not in the evidence'
                   ELSE 'the gateway''s log of these starts is not in the evidence' END),
       0.9, to_json(ev)::VARCHAR, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'unexplained', NULL, NULL, NULL, NULL, NULL
FROM unexplained_loops
UNION ALL
SELECT 'medium', day, day + INTERVAL 1 DAY, format('{} (re)started {} times on {}', who, restarts, strftime(day, '%Y-%m-%d')), 0.8, to_json(ev)::VARCHAR,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM flaps
UNION ALL
SELECT CASE WHEN oom THEN 'high' ELSE 'medium' END, NULL, NULL,
       format('{}: RestartCount {}{}', who, rc, CASE WHEN oom THEN ', OOMKilled' ELSE '' END), 0.9,
       to_json([{'source_id': source_id, 'line': line_no, 'note': 'docker inspect'}])::VARCHAR,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM counted
