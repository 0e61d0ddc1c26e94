-- ---
-- id: upstream-down
-- title: The gateway was down for planned work (a restart, a stop, a start)
-- query: restart-flaps
-- explains: [upstream-down, transport, restart-notice]
-- contradicts: [config-fatal]
-- planned: true
-- triggers: >
--   A graceful stop of the gateway's container (SIGTERM kill or stop, exit 0 or 143, `[shutdown]` lines), a restart,
--   or its first start; recovered when it starts again.
-- lag: >
--   1012 `service restart` to every client, then 502/503/ECONNREFUSED (1006 at clients) for the 15–30 s the gateway
--   needs to boot, a few 1013 `gateway starting`; on every path, direct too.
-- paths: every path.
-- remediation: >
--   Nothing to fix: planned work. Announce restarts, and keep the healthcheck's start_period above the gateway's cold start.
-- ---
WITH ups AS (
  -- when the gateway was serving again: its ready (or listening) lines, a handshake it answered (an upgrade a proxy
  -- passed, a connection it refused for pairing or token), whichever the evidence still has
  SELECT ts FROM gateway_events WHERE event IN ('ready', 'listening', 'closed-before-connect', 'unauthorized') AND ts IS NOT NULL
  UNION ALL SELECT started_at FROM proxy_requests WHERE status = 101 AND started_at IS NOT NULL
), downs AS (
  -- graceful deaths and starts of the gateway, with when it served again (the first sign of it, else 30 s after the
  -- next start)
  SELECT d.*, coalesce((SELECT min(u.ts) FROM ups u WHERE u.ts > d.ts),
                       (SELECT min(s.ts) FROM candidate_changes s WHERE s.kind = 'container' AND s.component = d.component
                         AND s.action IN ('start', 'restart') AND s.ts > d.ts) + INTERVAL 30 SECOND) AS back_ts
  FROM candidate_changes d
  WHERE d.kind = 'container' AND is_gateway_service(d.component)
    AND ((d.action = 'die' AND coalesce(d.planned, false)) OR d.action = 'restart'
         OR (d.action = 'start' AND NOT EXISTS (SELECT 1 FROM candidate_changes p WHERE p.kind = 'container' AND p.component = d.component
                                                 AND p.action = 'die' AND p.ts BETWEEN d.ts - INTERVAL 2 MINUTE AND d.ts)))
), hit AS (
  SELECT e.episode_id, e.start_ts, e.path, d.change_id, d.ts AS down_ts, d.action, d.back_ts, d.detail,
         count(*) FILTER (WHERE s.ts BETWEEN d.ts - INTERVAL 3 SECOND AND coalesce(d.back_ts, d.ts) + INTERVAL 15 SECOND) AS n
  FROM episodes e JOIN downs d ON e.start_ts BETWEEN d.ts - INTERVAL 3 SECOND AND coalesce(d.back_ts, d.ts) + INTERVAL 15 SECOND
  JOIN symptoms s ON s.episode_id = e.episode_id
  WHERE e.family IN ('upstream-down', 'transport', 'restart-notice')
  GROUP BY ALL
)
SELECT episode_id, change_id, change_id AS trigger_id, NULL AS fix_id, n::INTEGER AS explained, 0.5 AS key_match, 1.0 AS path_match,
       CASE WHEN epoch(start_ts) - epoch(down_ts) BETWEEN -3 AND 60 THEN 0.9 ELSE 0.5 END AS lag_fit, true AS planned,
       round(epoch(start_ts) - epoch(down_ts), 1) AS lag_s,
       format('Planned gateway {} at {}: clients were refused for {} while it {}', CASE WHEN action = 'start' THEN 'start' ELSE 'restart' END,
              strftime(down_ts, '%H:%M:%S'), human_duration(coalesce(epoch(back_ts) - epoch(down_ts), 30)),
              CASE WHEN action = 'start' THEN 'booted' ELSE 'stopped and booted again' END) AS headline,
       format('the gateway {} gracefully {} the failures on {} ({})', CASE WHEN action = 'start' THEN 'started' ELSE 'stopped' END,
              lag_phrase(epoch(start_ts) - epoch(down_ts)), path, detail) AS why,
       NULL AS missing, to_json({'down_at': down_ts, 'back_at': back_ts})::VARCHAR AS facts
FROM hit
