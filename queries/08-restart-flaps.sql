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
--   restart, a stop, a start (upstream-down.sql, reported low). And which containers restarted often, from docker
--   events (die/start) and inspect (RestartCount, OOMKilled).
-- params:
--   flap_min_restarts: {default: 3, unit: restarts per day, description: restarts that make a flap}
-- needs: [docker_events, containers]
-- ---
WITH flaps AS (
  -- a restart is a death followed by a start of the same container
  SELECT actor_id, any_value(coalesce(service, name)) AS who, time_bucket(INTERVAL 1 DAY, ts) AS day, count(*) AS restarts,
         list({'source_id': source_id, 'line': line_no, 'note': 'die exitCode=' || coalesce(exit_code::VARCHAR, '?')} ORDER BY ts)[1:6] AS ev
  FROM docker_events WHERE action = 'die' AND NOT is_gateway_service(coalesce(service, name))
  GROUP BY actor_id, day HAVING count(*) >= $flap_min_restarts
), counted AS (
  SELECT container_id, arg_max(coalesce(service, name), snapshot_at) AS who, max(restart_count) AS rc, bool_or(oom_killed) AS oom,
         arg_max(source_id, snapshot_at) AS source_id, arg_max(line_no, snapshot_at) AS line_no
  FROM containers GROUP BY container_id HAVING max(restart_count) >= $flap_min_restarts OR bool_or(oom_killed)
)
SELECT severity, start_ts, end_ts, statement, confidence, evidence, headline, impact, mechanism, "trigger", runner_up, fix, remediation,
       commit_sha, lag_s, facts, episodes, missing
FROM attributed_causes WHERE query_id = 'restart-flaps'
UNION ALL
SELECT 'medium', day, day + INTERVAL 1 DAY, format('{} (re)started {} times on {}', who, restarts, strftime(day, '%Y-%m-%d')), 0.8, to_json(ev)::VARCHAR,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM flaps
UNION ALL
SELECT CASE WHEN oom THEN 'high' ELSE 'medium' END, NULL, NULL,
       format('{}: RestartCount {}{}', who, rc, CASE WHEN oom THEN ', OOMKilled' ELSE '' END), 0.9,
       to_json([{'source_id': source_id, 'line': line_no, 'note': 'docker inspect'}])::VARCHAR,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM counted
