-- ---
-- id: token-rotation-drills
-- title: Token rotations and how long clients took to come back
-- severity: low
-- group: cause
-- sarif: true
-- answers: >
--   For each change of gateway.auth.token: the 4001 `gateway auth changed` closes and the token_mismatch / 1008
--   rejections that followed, and the time from the change to the last client reconnecting — within the 5-minute
--   budget or not.
-- params:
--   budget_minutes: {default: 5, unit: minutes, description: rotation budget}
--   window_minutes: {default: 60, unit: minutes, description: how long after a rotation rejections are attributed to it}
-- needs: [config_values, gateway_events]
-- ---
-- what to do depends on the row: the remediation column
SELECT *, CASE WHEN severity <> 'low' THEN 'Distribute the new token before rotating it, and announce rotations to Control UI users.' END AS remediation
FROM (
WITH rot AS (
  SELECT valid_from AS t, commit_sha, path, source_id, line_no, old_shape, new_shape
  FROM config_changes WHERE surface = 'openclaw.json' AND key = 'gateway.auth.token' AND NOT first_seen
), effect AS (
  SELECT r.t, min(g.ts) FILTER (WHERE g.event = 'reload-detected') AS reload_ts,
         count(*) FILTER (WHERE g.close_code = 4001) AS auth_changed,
         count(*) FILTER (WHERE g.auth_reason = 'token_mismatch' OR contains(coalesce(g.close_reason, ''), 'token mismatch')) AS rejections,
         max(g.ts) FILTER (WHERE g.auth_reason = 'token_mismatch' OR contains(coalesce(g.close_reason, ''), 'token mismatch')) AS last_rejection,
         list({'source_id': g.source_id, 'line': g.line_no, 'note': g.event} ORDER BY g.ts, g.source_id, g.line_no)[1:6] AS ev
  FROM rot r JOIN gateway_events g ON g.ts >= r.t - INTERVAL 1 MINUTE AND g.ts < r.t + to_minutes(CAST($window_minutes AS BIGINT))
   AND (g.event = 'reload-detected' AND contains(coalesce(g.changed_paths, ''), 'gateway.auth.token') OR g.close_code = 4001
        OR g.auth_reason = 'token_mismatch' OR contains(coalesce(g.close_reason, ''), 'token mismatch'))
  GROUP BY r.t
), back AS (
  SELECT e.t, min(g.ts) AS reconnected
  FROM effect e JOIN gateway_events g ON g.event = 'connected' AND g.ts >= coalesce(e.last_rejection, e.t)
  GROUP BY e.t
)
SELECT CASE WHEN epoch(coalesce(b.reconnected, e.last_rejection)) - epoch(r.t) > $budget_minutes * 60 THEN 'medium' ELSE 'low' END AS severity,
       r.t AS start_ts, coalesce(b.reconnected, e.last_rejection) AS end_ts,
       format('Token rotation at {} ({} → {}{}): {} session(s) closed with 4001, {} rejection(s); last client back after {} s — {} the {}-minute budget',
              strftime(r.t, '%Y-%m-%d %H:%M:%S'), coalesce(r.old_shape, '?'), r.new_shape,
              CASE WHEN r.commit_sha IS NOT NULL THEN ', commit ' || r.commit_sha[1:12] ELSE '' END,
              coalesce(e.auth_changed, 0), coalesce(e.rejections, 0),
              round(epoch(coalesce(b.reconnected, e.last_rejection, r.t)) - epoch(r.t))::INTEGER,
              CASE WHEN epoch(coalesce(b.reconnected, e.last_rejection, r.t)) - epoch(r.t) > $budget_minutes * 60 THEN 'over' ELSE 'within' END,
              $budget_minutes) AS statement,
       0.8 AS confidence,
       to_json(list_concat([{'sha': r.commit_sha, 'path': r.path, 'source_id': CASE WHEN r.commit_sha IS NULL THEN r.source_id END, 'line': r.line_no, 'note': 'token changed'}], coalesce(e.ev, [])))::VARCHAR AS evidence
FROM rot r LEFT JOIN effect e USING (t) LEFT JOIN back b USING (t)
ORDER BY r.t
)
