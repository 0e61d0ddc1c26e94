-- ---
-- id: pairing-loss-after-recreate
-- title: Pairing loss after a gateway recreate
-- severity: high
-- group: cause
-- remediation: >
--   Mount the pairing dir (`/home/node/.openclaw`, with `devices/` and `identity/`) on a named volume or a fixed bind path, move it whole when the host path changes, and check `OPENCLAW_CONFIG_DIR` before `docker compose up --force-recreate`.
-- sarif: true
-- answers: >
--   Which recreates of the gateway service were followed by pairing loss: was the state dir
--   (/home/node/.openclaw) on a persistent mount in the old and the new container, did its source change (inspect
--   mounts, or OPENCLAW_CONFIG_DIR in .env history), how many `pairing required` / `device_token_mismatch`
--   rejections followed within the window, for which device ids approved before, the re-approvals after, and the
--   time to recover.
-- params:
--   window_hours: {default: 6, unit: hours, description: how long after a recreate rejections and re-approvals count}
-- needs: [docker_events, containers]
-- impact_signals: [policy, auth]
-- ---
WITH gens AS (
  SELECT *, lag(container_id) OVER w AS prev_id, lag(started) OVER w AS prev_started
  FROM container_generations
  WHERE regexp_matches(service, '(?i)gateway') WINDOW w AS (PARTITION BY service ORDER BY started)
), recreates AS (
  SELECT * FROM gens WHERE prev_id IS NOT NULL AND prev_id <> container_id
), mount_facts AS (
  -- the state dir's mount per container: from inspect snapshots (a volume by its name, a bind by its host path) and
  -- from volume mount events, which still name it when the container is gone (a recreate destroyed its inspect)
  SELECT container_id, coalesce(name, mount_source) AS src, type, snapshot_at AS seen_at, source_id, NULL::BIGINT AS line_no
  FROM container_mounts WHERE destination IN ('/home/node/.openclaw', '/home/node/.openclaw/devices')
  UNION ALL
  SELECT json_extract_string(attributes, '$.container'), actor_id, 'volume', ts, source_id, line_no
  FROM docker_events WHERE type = 'volume' AND action = 'mount'
    AND json_extract_string(attributes, '$.destination') IN ('/home/node/.openclaw', '/home/node/.openclaw/devices')
), mounts AS (
  SELECT container_id, arg_max(src, seen_at) AS src, arg_max(type, seen_at) AS type, arg_max(source_id, seen_at) AS source_id, arg_max(line_no, seen_at) AS line_no
  FROM mount_facts GROUP BY container_id
), dir_change AS (
  SELECT r.container_id, arg_max(c.old_value || ' → ' || c.new_value, c.valid_from) AS change, arg_max(c.commit_sha, c.valid_from) AS sha,
         arg_max(c.path, c.valid_from) AS path
  FROM recreates r JOIN config_changes c ON c.key IN ('OPENCLAW_CONFIG_DIR', 'OPENCLAW_STATE_DIR') AND NOT c.first_seen
   AND c.valid_from > r.prev_started AND c.valid_from <= r.started + INTERVAL 5 MINUTE
  GROUP BY r.container_id
), rejected AS (
  SELECT r.container_id, g.*
  FROM recreates r JOIN gateway_events g
    ON g.ts >= r.started AND g.ts < r.started + to_hours(CAST($window_hours AS BIGINT))
   AND (g.close_reason = 'pairing required' OR g.cause = 'pairing-required' OR g.auth_reason = 'device_token_mismatch')
  QUALIFY row_number() OVER (PARTITION BY r.container_id, coalesce(g.conn_id, g.source_id || ':' || g.line_no) ORDER BY g.device_id IS NULL, g.event <> 'closed-before-connect', g.source_id) = 1
), rej AS (
  SELECT container_id, count(*) AS n,
         count(*) FILTER (WHERE close_reason = 'pairing required' OR cause = 'pairing-required') AS pairing_required,
         count(*) FILTER (WHERE auth_reason = 'device_token_mismatch') AS device_token_mismatch,
         min(ts) AS first_ts, max(ts) AS last_ts,
         list_sort(list(DISTINCT device_id) FILTER (WHERE device_id IS NOT NULL)) AS devices,
         list({'source_id': source_id, 'line': line_no, 'note': coalesce(close_reason, auth_reason, event)} ORDER BY ts, source_id, line_no)[1:8] AS ev
  FROM rejected GROUP BY container_id
), known AS (
  SELECT r.container_id, list_sort(list(DISTINCT d.device_id)) AS known_before
  FROM recreates r JOIN rej USING (container_id) JOIN devices d
    ON d.state = 'paired' AND d.approved_at < r.started AND list_contains(rej.devices, d.device_id)
  GROUP BY r.container_id
), approvals AS (
  SELECT r.container_id, g.*
  FROM recreates r JOIN gateway_events g
    ON g.event IN ('pairing-approved', 'pairing-auto-approved') AND g.ts >= r.started AND g.ts < r.started + to_hours(CAST($window_hours AS BIGINT))
  QUALIFY row_number() OVER (PARTITION BY r.container_id, g.device_id ORDER BY g.ts, g.source_id) = 1
), reapproved AS (
  SELECT container_id, count(*) AS n, max(ts) AS last_ts, list(device_id ORDER BY ts, device_id) AS devices,
         list({'source_id': source_id, 'line': line_no, 'note': event} ORDER BY ts, source_id, line_no)[1:6] AS ev
  FROM approvals GROUP BY container_id
), destroyed_ev AS (
  SELECT r.container_id, arg_min(e.source_id, e.ts) AS source_id, arg_min(e.line_no, e.ts) AS line_no
  FROM recreates r JOIN docker_events e ON e.actor_id = r.prev_id AND e.action IN ('destroy', 'die') GROUP BY r.container_id
), start_ev AS (
  SELECT r.container_id, arg_min(e.source_id, e.ts) AS source_id, arg_min(e.line_no, e.ts) AS line_no
  FROM recreates r JOIN docker_events e ON e.actor_id = r.container_id AND e.action = 'start' GROUP BY r.container_id
)
SELECT CASE WHEN coalesce(j.n, 0) > 0 AND ((mo.src IS NOT NULL AND mn.src IS NOT NULL AND mo.src <> mn.src) OR dc.change IS NOT NULL OR len(k.known_before) > 0) THEN 'high'
            WHEN coalesce(j.n, 0) > 0 THEN 'medium' ELSE 'low' END AS severity,
       r.started AS start_ts, coalesce(ra.last_ts, j.last_ts) AS end_ts,
       format('Gateway recreated at {} ({} → {}){}; then {} rejection(s) ({} pairing required, {} device_token_mismatch){}{}',
         strftime(r.started, '%Y-%m-%d %H:%M:%S'), r.prev_id[1:12], r.container_id[1:12],
         CASE WHEN mo.src IS NOT NULL AND mn.src IS NOT NULL AND mo.src <> mn.src THEN format('; state dir mount moved {} → {}', mo.src, mn.src)
              WHEN mo.src IS NOT NULL AND mn.src IS NOT NULL THEN format('; state dir stayed on {}', mn.src)
              WHEN mn.src IS NULL AND mo.src IS NOT NULL THEN '; the new container has no mount for the state dir'
              ELSE '' END
         || CASE WHEN dc.change IS NOT NULL THEN format('; OPENCLAW_CONFIG_DIR {} (commit {})', dc.change, coalesce(dc.sha[1:12], dc.path)) ELSE '' END,
         coalesce(j.n, 0), coalesce(j.pairing_required, 0), coalesce(j.device_token_mismatch, 0),
         CASE WHEN len(k.known_before) > 0 THEN format('; {} of the rejected device ids had been approved before the recreate', len(k.known_before)) ELSE '' END,
         CASE WHEN ra.n > 0 THEN format('; {} device(s) re-approved one by one, the last at {} ({} min after the recreate)', ra.n, strftime(ra.last_ts, '%H:%M:%S'), round((epoch(ra.last_ts) - epoch(r.started)) / 60))
              WHEN j.n > 0 THEN '; no re-approval seen' ELSE '' END) AS statement,
       CASE WHEN coalesce(j.n, 0) > 0 AND ((mo.src IS NOT NULL AND mn.src IS NOT NULL AND mo.src <> mn.src) OR dc.change IS NOT NULL) THEN 0.95 WHEN coalesce(j.n, 0) > 0 THEN 0.75 ELSE 0.5 END AS confidence,
       to_json(list_concat(
         CASE WHEN de.source_id IS NOT NULL THEN [{'source_id': de.source_id, 'line': de.line_no, 'note': 'old generation stopped/destroyed'}] ELSE [] END,
         CASE WHEN se.source_id IS NOT NULL THEN [{'source_id': se.source_id, 'line': se.line_no, 'note': 'new generation started'}] ELSE [] END,
         CASE WHEN dc.sha IS NOT NULL THEN [{'sha': dc.sha, 'path': dc.path, 'note': 'OPENCLAW_CONFIG_DIR changed'}] ELSE [] END,
         CASE WHEN mn.source_id IS NOT NULL THEN [{'source_id': mn.source_id, 'line': mn.line_no, 'note': 'mounts of the new container'}] ELSE [] END,
         CASE WHEN mo.source_id IS NOT NULL THEN [{'source_id': mo.source_id, 'line': mo.line_no, 'note': 'mounts of the old container'}] ELSE [] END,
         coalesce(j.ev, []), coalesce(ra.ev, [])))::VARCHAR AS evidence,
       r.prev_id AS old_container, r.container_id AS new_container, mo.src AS old_state_mount, mn.src AS new_state_mount,
       coalesce(j.n, 0)::INTEGER AS rejections, k.known_before AS devices_known_before, ra.n::INTEGER AS reapprovals,
       round((epoch(ra.last_ts) - epoch(r.started)) / 60, 1) AS minutes_to_recover,
       -- the explanation in plain words (case/finding.ts)
       format('{} rejected {} times for {} after the gateway was recreated{}',
         CASE WHEN len(k.known_before) > 0 THEN format('{} paired device(s) were', len(k.known_before)) ELSE 'Devices were' END, coalesce(j.n, 0),
         coalesce(duration_words(epoch(coalesce(ra.last_ts, j.last_ts)) - epoch(r.started)), '?'),
         CASE WHEN mo.src IS NOT NULL AND mn.src IS NOT NULL AND mo.src <> mn.src THEN format(' on a different state dir ({} → {})', mo.src, mn.src)
              WHEN dc.change IS NOT NULL THEN format(' with OPENCLAW_CONFIG_DIR changed ({})', dc.change)
              WHEN mn.src IS NULL AND mo.src IS NOT NULL THEN ' without a mount for its state dir' ELSE '' END) AS headline,
       CASE WHEN (mo.src IS NOT NULL AND mn.src IS NOT NULL AND mo.src <> mn.src) OR dc.change IS NOT NULL OR (mn.src IS NULL AND mo.src IS NOT NULL)
            THEN 'The gateway keeps its pairings in devices/ under its state dir (/home/node/.openclaw). The new container did not get the old folder there, so it started with no paired device: every device approved before got `pairing required` (1008) or device_token_mismatch until an operator approved it again.' END AS mechanism,
       format('the recreate of the gateway at {} ({} → {}){}', strftime(r.started, '%Y-%m-%d %H:%M:%S'), r.prev_id[1:12], r.container_id[1:12],
         CASE WHEN dc.change IS NOT NULL THEN format(' after {} changed OPENCLAW_CONFIG_DIR {}', coalesce('commit ' || dc.sha[1:7], dc.path), dc.change) ELSE '' END) AS trigger,
       CASE WHEN mo.src IS NOT NULL AND mn.src IS NOT NULL AND mo.src <> mn.src
            THEN {'statement': 'a recreate that kept the state dir but lost devices/ another way (a wiped or replaced volume)',
                  'why_lost': format('the state dir mount itself moved ({} → {})', mo.src, mn.src)} END AS runner_up,
       CASE WHEN ra.n > 0 THEN {'statement': format('{} device(s) re-approved one by one, the last at {} ({} min after the recreate)', ra.n, strftime(ra.last_ts, '%H:%M:%S'),
                                                     round((epoch(ra.last_ts) - epoch(r.started)) / 60)),
                                'at': strftime(ra.last_ts, '%Y-%m-%dT%H:%M:%SZ'), 'evidence': ra.ev} END AS fix
FROM recreates r
LEFT JOIN mounts mo ON mo.container_id = r.prev_id LEFT JOIN mounts mn ON mn.container_id = r.container_id
LEFT JOIN dir_change dc ON dc.container_id = r.container_id LEFT JOIN rej j ON j.container_id = r.container_id
LEFT JOIN known k ON k.container_id = r.container_id LEFT JOIN reapproved ra ON ra.container_id = r.container_id
LEFT JOIN destroyed_ev de ON de.container_id = r.container_id LEFT JOIN start_ev se ON se.container_id = r.container_id
WHERE coalesce(j.n, 0) > 0 OR (mo.src IS NOT NULL AND mn.src IS NOT NULL AND mo.src <> mn.src) OR dc.change IS NOT NULL
ORDER BY r.started
