-- ---
-- id: unplanned-kill
-- title: The gateway was killed or crashed with no change behind it
-- query: restart-flaps
-- explains: [upstream-down, transport, release-cut, restart-notice]
-- contradicts: [config-fatal]
-- triggers: >
--   A death of the gateway's container nobody asked for gracefully: a KILL signal (`docker kill -s KILL`), exit 137
--   with no kill event (the OOM killer, a kill from the host), any non-zero exit that is not a config error (78).
-- lag: >
--   Every session, on every path, direct ones too, ends within seconds of the death; proxies answer 502/503 and
--   direct clients are refused until the next start (a restart policy, or an operator's `up -d`).
-- paths: every path.
-- impact: path
-- remediation: >
--   Find out who or what killed the gateway (the host's kernel log for the OOM killer, shell history for `docker kill`), and let `restart: unless-stopped` bring it back; never stop the gateway with SIGKILL.
-- ---
WITH ups AS (
  -- when the gateway served again: its ready line, a handshake it answered (as in upstream-down.sql)
  SELECT ts FROM gateway_events WHERE event IN ('ready', 'listening', 'closed-before-connect', 'unauthorized') AND ts IS NOT NULL
  UNION ALL SELECT started_at FROM proxy_requests WHERE status = 101 AND started_at IS NOT NULL
), deaths AS (
  SELECT d.*, coalesce((SELECT min(u.ts) FROM ups u WHERE u.ts > d.ts + INTERVAL 1 SECOND),
                       (SELECT min(s.ts) FROM candidate_changes s WHERE s.kind = 'container' AND s.component = d.component
                         AND s.action IN ('start', 'restart') AND s.ts > d.ts) + INTERVAL 30 SECOND) AS back_ts
  FROM candidate_changes d
  WHERE d.kind = 'container' AND d.action = 'die' AND NOT coalesce(d.planned, false) AND coalesce(d.exit_code, 0) NOT IN (0, 78)
    AND is_gateway_service(d.component)
    AND NOT EXISTS (SELECT 1 FROM candidate_changes f WHERE f.kind = 'gateway' AND f.action = 'fatal-start' AND f.ts BETWEEN d.ts - INTERVAL 20 SECOND AND d.ts)
), kills AS (
  -- the kill event that preceded the death, if any (what the operator ran)
  SELECT d.change_id, arg_max(k.change_id, (k.ts, k.change_id)) AS kill_id, arg_max(k.detail, (k.ts, k.change_id)) AS kill_detail
  FROM deaths d JOIN candidate_changes k ON k.kind = 'container' AND k.action = 'kill' AND k.component = d.component AND k.ts BETWEEN d.ts - INTERVAL 15 SECOND AND d.ts
  GROUP BY d.change_id
), hit AS (
  SELECT e.episode_id, e.family, e.start_ts, e.end_ts, e.symptoms, e.path, d.change_id, d.ts AS die_ts, d.exit_code, d.back_ts, d.component, d.detail,
         count(*) FILTER (WHERE s.ts BETWEEN d.ts - INTERVAL 3 SECOND AND coalesce(d.back_ts, d.ts + INTERVAL 10 MINUTE) + INTERVAL 30 SECOND) AS n
  FROM episodes e JOIN deaths d ON e.start_ts BETWEEN d.ts - INTERVAL 3 SECOND AND coalesce(d.back_ts, d.ts + INTERVAL 10 MINUTE) + INTERVAL 30 SECOND
  JOIN symptoms s ON s.episode_id = e.episode_id
  WHERE e.family IN ('upstream-down', 'transport', 'restart-notice')
  GROUP BY ALL
)
SELECT h.episode_id, coalesce(k.kill_id, h.change_id) AS change_id, h.change_id AS trigger_id, NULL AS fix_id, h.n::INTEGER AS explained,
       0.5 AS key_match, 1.0 AS path_match,
       CASE WHEN epoch(h.start_ts) - epoch(h.die_ts) BETWEEN -3 AND 10 THEN 1.0 ELSE 0.6 END AS lag_fit,
       false AS planned, round(epoch(h.start_ts) - epoch(h.die_ts), 1) AS lag_s,
       format('The gateway was killed at {} ({}{}) with no change behind it; clients on every path lost the gateway for {}',
              strftime(h.die_ts, '%H:%M:%S'), coalesce(k.kill_detail || ', then ', ''), h.detail,
              CASE WHEN h.back_ts IS NOT NULL THEN human_duration(epoch(h.back_ts) - epoch(h.die_ts)) || ' until it served again' ELSE 'the rest of the evidence' END) AS headline,
       format('the gateway died (exit {}) {} the first failure on {}, with no graceful stop before it', h.exit_code,
              lag_phrase(epoch(h.start_ts) - epoch(h.die_ts)), h.path) AS why,
       CASE WHEN k.kill_id IS NULL THEN 'no kill event precedes the death: killed from outside docker (the OOM killer, kill -9 on the host) or crashed; the host''s kernel log would tell' END AS missing,
       to_json({'exit_code': h.exit_code, 'died_at': h.die_ts, 'back_at': h.back_ts})::VARCHAR AS facts
FROM hit h LEFT JOIN kills k ON k.change_id = h.change_id
