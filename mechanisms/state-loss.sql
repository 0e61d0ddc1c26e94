-- ---
-- id: state-loss
-- title: The gateway's pairing state was lost in a recreate
-- query: pairing-loss-after-recreate
-- explains: [pairing]
-- contradicts: []
-- triggers: >
--   A recreate of the gateway's container whose state mount moved or vanished (source or destination), caused by a
--   change of compose volumes or of OPENCLAW_CONFIG_DIR / OPENCLAW_STATE_DIR (.env, compose) before it.
-- lag: >
--   Right after the new container starts: first-start-only lines (a fresh state), `pairing required` for device ids
--   approved before (new request ids), auto-approval of known local nodes, then the operator's re-approvals.
-- paths: every path; every device paired before is lost (proxied ones need an operator, local ones are re-paired
--   silently), however few of them the logs show.
-- impact: path
-- remediation: >
--   Keep the state dir (`/home/node/.openclaw`, its `state/` database or `devices/`) on one named volume or bind path; move it whole when its path changes, and check compose volumes and OPENCLAW_CONFIG_DIR before `up --force-recreate`.
-- ---
WITH rec AS (
  -- gateway generations that began with a create (a recreate replaces the old container)
  SELECT * FROM candidate_changes WHERE kind = 'container' AND action IN ('recreate', 'create') AND is_gateway_service(component)
    AND EXISTS (SELECT 1 FROM container_generations g WHERE g.service = candidate_changes.component AND g.started < candidate_changes.ts)
), cand AS (
  SELECT e.episode_id, e.start_ts, e.end_ts, e.symptoms, r.change_id AS recreate_id, r.ts AS recreate_ts, r.component
  FROM episodes e JOIN rec r ON r.ts <= e.start_ts AND r.ts >= e.start_ts - INTERVAL 30 MINUTE
  WHERE e.family = 'pairing'
  QUALIFY row_number() OVER (PARTITION BY e.episode_id ORDER BY r.ts DESC) = 1
), known AS (
  -- rejected device ids that had been approved (or connected) before the recreate
  SELECT c.episode_id, count(DISTINCT s.client_key) AS n
  FROM cand c JOIN symptoms s ON s.episode_id = c.episode_id
  WHERE EXISTS (SELECT 1 FROM gateway_events g WHERE g.device_id = s.client_key AND g.ts < c.recreate_ts
                  AND g.event IN ('pairing-approved', 'pairing-auto-approved', 'connected'))
     OR EXISTS (SELECT 1 FROM devices d WHERE d.device_id = s.client_key AND d.state = 'paired' AND coalesce(d.approved_at, d.created_at) < c.recreate_ts)
  GROUP BY c.episode_id
), fresh AS (
  SELECT c.episode_id, count(*) AS n FROM cand c JOIN candidate_changes f ON f.kind = 'gateway' AND f.action = 'first-start'
   AND f.ts BETWEEN c.recreate_ts AND c.start_ts + INTERVAL 1 MINUTE GROUP BY c.episode_id
), moved AS (
  SELECT c.episode_id, arg_max(m.change_id, (m.ts, m.change_id)) AS change_id, arg_max(m.detail, (m.ts, m.change_id)) AS detail
  FROM cand c JOIN candidate_changes m ON m.kind = 'mount' AND m.ts BETWEEN c.recreate_ts - INTERVAL 1 MINUTE AND c.start_ts
  GROUP BY c.episode_id
), cause AS (
  -- the change the recreate applied: compose volumes or a state/config dir in .env or compose (the latest before it)
  SELECT c.episode_id, arg_max(x.change_id, (x.ts, x.change_id)) AS change_id, arg_max(coalesce(x.key, x.path), (x.ts, x.change_id)) AS what, arg_max(x.commit_sha, (x.ts, x.change_id)) AS sha
  FROM cand c JOIN candidate_changes x ON x.kind IN ('config', 'file') AND x.ts <= c.recreate_ts AND x.ts >= c.recreate_ts - INTERVAL 1 DAY
   AND (x.component = 'compose' AND (x.key IS NULL OR x.key LIKE '%volumes%' OR x.key LIKE '%OPENCLAW_%DIR%' OR x.key LIKE 'volumes.%')
        OR x.key IN ('OPENCLAW_CONFIG_DIR', 'OPENCLAW_STATE_DIR', 'OPENCLAW_HOME'))
  GROUP BY c.episode_id
), reapproved AS (
  -- re-approvals after the recreate: the gateway's own approval lines (devices), else the operator's approve commands
  SELECT c.episode_id, greatest(
           (SELECT count(DISTINCT g.device_id) FROM gateway_events g WHERE g.event IN ('pairing-approved', 'pairing-auto-approved')
             AND g.ts > c.recreate_ts AND g.ts <= c.end_ts + INTERVAL 30 MINUTE),
           (SELECT count(*) FROM candidate_changes o WHERE o.kind = 'operator' AND o.ts > c.recreate_ts AND o.ts <= c.end_ts + INTERVAL 30 MINUTE)) AS n
  FROM cand c
), lost_logs AS (
  SELECT c.episode_id, NOT EXISTS (SELECT 1 FROM gateway_events g WHERE g.ts < c.recreate_ts AND g.ts > c.recreate_ts - INTERVAL 1 HOUR) AS lost
  FROM cand c
)
SELECT c.episode_id, coalesce(k.change_id, m.change_id, c.recreate_id) AS change_id, c.recreate_id AS trigger_id, NULL AS fix_id,
       CASE WHEN coalesce(kn.n, 0) > 0 OR coalesce(f.n, 0) > 0 OR m.change_id IS NOT NULL THEN c.symptoms ELSE 0 END::INTEGER AS explained,
       CASE WHEN k.change_id IS NOT NULL THEN 1.0 WHEN m.change_id IS NOT NULL THEN 0.8 ELSE 0.4 END AS key_match, 1.0 AS path_match,
       CASE WHEN epoch(c.start_ts) - epoch(c.recreate_ts) <= 120 THEN 1.0 ELSE 0.6 END AS lag_fit, false AS planned,
       round(epoch(c.start_ts) - epoch(c.recreate_ts), 1) AS lag_s,
       format('Devices approved before had to pair again ({} pairing rejection(s)) for {} after the recreate at {} started the gateway on {}{}',
              c.symptoms, human_duration(epoch(c.end_ts) - epoch(c.start_ts)), strftime(c.recreate_ts, '%H:%M:%S'),
              coalesce(m.detail, 'an empty state'), CASE WHEN k.sha IS NOT NULL THEN format(' (commit {} changed {})', k.sha[1:7], k.what) ELSE '' END) AS headline,
       format('{} rejected device(s) had been approved before the recreate{}{}', coalesce(kn.n, 0),
              CASE WHEN f.n > 0 THEN '; the new gateway wrote first-start lines' ELSE '' END,
              CASE WHEN r.n > 0 THEN format('; {} re-approval(s) followed', r.n) ELSE '' END) AS why,
       CASE WHEN l.lost THEN format('the gateway logs of the removed container are lost; concluded from {}{} and {} re-approval(s)',
                                    coalesce(m.detail, 'the recreate'), CASE WHEN f.n > 0 THEN ', the first-start lines' ELSE '' END, coalesce(r.n, 0)) END AS missing,
       to_json({'known_devices': coalesce(kn.n, 0), 'first_start_lines': coalesce(f.n, 0), 'reapprovals': coalesce(r.n, 0), 'mount': m.detail})::VARCHAR AS facts
FROM cand c LEFT JOIN known kn USING (episode_id) LEFT JOIN fresh f USING (episode_id) LEFT JOIN moved m USING (episode_id)
LEFT JOIN cause k USING (episode_id) LEFT JOIN reapproved r USING (episode_id) LEFT JOIN lost_logs l USING (episode_id)
