-- ---
-- id: evidence-coverage
-- title: Evidence coverage, gaps, lost logs and clock skew
-- severity: low
-- group: coverage
-- answers: >
--   What each log source covers (first/last instant) and where it has gaps; sources with less than the retention
--   baseline; gateway container generations whose logs were lost with the container (destroyed by a recreate and
--   absent from the evidence); files that could not be read; kinds of evidence absent; and clock skew between the
--   proxy and the gateway (the same connection seen by both).
-- params:
--   gap_hours: {default: 12, unit: hours, description: a silence this long inside a log source is a gap}
--   retention_days: {default: 14, unit: days, description: retention baseline}
--   skew_seconds: {default: 2, unit: seconds, description: proxy/gateway offset worth reporting}
-- needs: [sources]
-- ---
-- what to do depends on the row: the remediation column
SELECT *, CASE WHEN statement LIKE '%are lost%' THEN 'Run `clawtrail collect --watch` on the host so a recreate no longer loses the old container''s logs and events.' END AS remediation
FROM (
WITH log_rows AS (
  SELECT source_id, ts FROM gateway_events WHERE ts IS NOT NULL
  UNION ALL SELECT source_id, ts FROM proxy_requests WHERE ts IS NOT NULL
  UNION ALL SELECT source_id, ts FROM proxy_errors WHERE ts IS NOT NULL
), gaps AS (
  SELECT source_id, prev_ts, ts, epoch(ts) - epoch(prev_ts) AS secs
  FROM (SELECT source_id, ts, lag(ts) OVER (PARTITION BY source_id ORDER BY ts) AS prev_ts FROM log_rows)
  WHERE epoch(ts) - epoch(prev_ts) > $gap_hours * 3600
), gap_top AS (
  SELECT source_id, count(*) AS n, arg_max(prev_ts, secs) AS from_ts, arg_max(ts, secs) AS to_ts, max(secs) AS longest FROM gaps GROUP BY source_id
), lost AS (
  SELECT g.* FROM container_generations g
  WHERE regexp_matches(g.service, '(?i)gateway') AND g.destroyed IS NOT NULL
    -- from its creation: the process writes its first lines a moment before the daemon records the start
    AND NOT EXISTS (SELECT 1 FROM gateway_events e WHERE e.ts BETWEEN coalesce(g.created, g.started) AND g.destroyed AND e.ts IS NOT NULL
                    -- a json-file names its container: the next generation's log does not cover this one
                    AND NOT (regexp_full_match(coalesce(e.container, ''), '[0-9a-f]{12}') AND e.container <> left(g.container_id, 12)))
), destroy_ev AS (
  SELECT l.container_id, arg_min(e.source_id, e.ts) AS source_id, arg_min(e.line_no, e.ts) AS line_no
  FROM lost l JOIN docker_events e ON e.actor_id = l.container_id AND e.action = 'destroy' GROUP BY l.container_id
), kinds AS (
  SELECT k FROM (VALUES ('gateway-log'), ('proxy-access'), ('docker-events'), ('docker-inspect'), ('git')) t(k)
  WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.kind = t.k AND s.status NOT IN ('error', 'duplicate'))
), skew AS (
  SELECT median(epoch(p.ts) - epoch(g.ts)) AS offset_s, count(*) AS pairs
  FROM gateway_events g JOIN proxy_requests p
    ON g.event = 'closed-before-connect' AND p.status = 101 AND p.request_time < 5 AND g.fwd IS NOT NULL
   AND p.remote_addr = trim(split_part(g.fwd, ',', 1)) AND p.ts BETWEEN g.ts - INTERVAL 30 SECOND AND g.ts + INTERVAL 30 SECOND
)
SELECT 'low' AS severity, from_ts AS start_ts, to_ts AS end_ts,
       format('{}: {} silence(s) over {} h, the longest {} h from {} to {}', s.path, n, $gap_hours, round(longest / 3600, 1),
              strftime(from_ts, '%Y-%m-%d %H:%M'), strftime(to_ts, '%Y-%m-%d %H:%M')) AS statement,
       0.6 AS confidence, to_json([{'source_id': s.source_id, 'note': 'log source with a gap'}])::VARCHAR AS evidence
FROM gap_top JOIN sources s USING (source_id)
UNION ALL
SELECT 'info', first_ts, last_ts,
       format('{} covers {} day(s) ({} to {}), under the {}-day retention baseline', path, round((epoch(last_ts) - epoch(first_ts)) / 86400, 1),
              strftime(first_ts, '%Y-%m-%d %H:%M'), strftime(last_ts, '%Y-%m-%d %H:%M'), $retention_days),
       1.0, to_json([{'source_id': source_id, 'note': 'coverage'}])::VARCHAR
FROM sources WHERE kind IN ('gateway-log', 'proxy-access', 'proxy-error') AND first_ts IS NOT NULL
  AND epoch(last_ts) - epoch(first_ts) < $retention_days * 86400 AND series IS NULL
UNION ALL
SELECT 'medium', l.started, l.destroyed,
       format('The logs of gateway container {} ({} to {}) are lost: it was destroyed and no gateway log in the evidence covers it (collect with watch mode before recreating)',
              l.container_id[1:12], strftime(l.started, '%Y-%m-%d %H:%M'), strftime(l.destroyed, '%Y-%m-%d %H:%M')),
       0.9, to_json([{'source_id': d.source_id, 'line': d.line_no, 'note': 'destroy'}])::VARCHAR
FROM lost l LEFT JOIN destroy_ev d USING (container_id)
UNION ALL
SELECT 'low', NULL, NULL, format('{} was not read: {}', path, coalesce(note, status)), 1.0, to_json([{'source_id': source_id, 'note': status}])::VARCHAR
FROM sources WHERE status IN ('error', 'unknown-format') OR (status = 'partial' AND rejected_lines > 0)
UNION ALL
SELECT 'info', NULL, NULL, format('No {} evidence in the case: the queries that need it answer from the rest', k), 1.0, '[]'
FROM kinds
UNION ALL
SELECT 'low', NULL, NULL, format('Proxy and gateway clocks differ by {} s (median over {} connection(s) seen by both)', round(offset_s, 2), pairs), 0.7, '[]'
FROM skew WHERE pairs > 0 AND abs(offset_s) > $skew_seconds
)
