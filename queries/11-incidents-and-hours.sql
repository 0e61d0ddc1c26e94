-- ---
-- id: incidents-and-hours
-- title: Incidents and the engineer hours they cost
-- severity: info
-- group: cost
-- answers: >
--   Failure signals across sources (transport closes, policy rejections, auth failures, proxy 5xx, container deaths)
--   clustered into incidents (start, end, signals), each with its probable cause from the findings above it; hours
--   lost = duration × responders, times the overnight multiplier when it touched the night; cost at the hourly rate
--   against the monthly lease price of the machine.
-- params:
--   gap_minutes: {default: 15, unit: minutes, description: a quiet gap this long ends an incident}
--   min_signals: {default: 20, unit: signals, description: smallest cluster that counts as an incident}
--   responders: {default: 2, unit: engineers, description: people working an incident}
--   overnight_multiplier: {default: 1.5, unit: x, description: weight of hours that touch 22:00-06:00}
--   night_start_hour: {default: 22, unit: hour (UTC), description: start of the night}
--   night_end_hour: {default: 6, unit: hour (UTC), description: end of the night}
--   hourly_rate: {default: 95, unit: EUR per hour, description: loaded engineer cost}
--   monthly_lease: {default: 40, unit: EUR per month, description: what the gateway machine costs per month}
-- needs: [gateway_events, proxy_requests, docker_events]
-- ---
WITH signals AS (
  SELECT ts, 'transport close (1006)' AS kind, source_id, line_no FROM ws_close_classified(5) WHERE code = 1006
  UNION ALL SELECT ts, 'policy close (1008/4008)', source_id, line_no FROM ws_closes WHERE code IN (1008, 4008)
  UNION ALL SELECT ts, 'auth failure', source_id, line_no FROM gateway_events WHERE event IN ('unauthorized', 'client-auth-failed') AND ts IS NOT NULL
  UNION ALL SELECT ts, 'proxy 5xx', source_id, line_no FROM proxy_requests WHERE status >= 500 AND ts IS NOT NULL
  UNION ALL SELECT ts, 'container death', source_id, line_no FROM docker_events WHERE action = 'die' AND exit_code <> 0
), ordered AS (
  SELECT *, CASE WHEN epoch(ts) - epoch(lag(ts) OVER (ORDER BY ts)) <= $gap_minutes * 60 THEN 0 ELSE 1 END AS new_incident FROM signals
), numbered AS (
  SELECT *, sum(new_incident) OVER (ORDER BY ts) AS incident FROM ordered
), incidents AS (
  SELECT incident, min(ts) AS start_ts, max(ts) AS end_ts, count(*) AS n,
         string_agg(DISTINCT kind, ', ' ORDER BY kind) AS kinds, list({'source_id': source_id, 'line': line_no, 'note': kind} ORDER BY ts, source_id, line_no)[1:5] AS ev,
         bool_or(hour(ts) >= $night_start_hour OR hour(ts) < $night_end_hour) AS overnight
  FROM numbered GROUP BY incident HAVING count(*) >= $min_signals
), cause AS (
  SELECT i.incident, arg_max(f.statement, CASE f.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END * 10 + f.confidence) AS probable_cause,
         arg_max(f.query_id, CASE f.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END * 10 + f.confidence) AS cause_query
  FROM incidents i JOIN findings f ON f.query_id NOT IN ('ws-close-bursts', 'evidence-coverage') AND f.severity IN ('critical', 'high', 'medium')
   AND f.start_ts IS NOT NULL AND f.start_ts <= i.end_ts AND coalesce(f.end_ts, f.start_ts) >= i.start_ts - INTERVAL 30 MINUTE
  GROUP BY i.incident
), costed AS (
  SELECT i.*, c.probable_cause, c.cause_query,
         greatest(epoch(i.end_ts) - epoch(i.start_ts), 60) / 3600.0 AS duration_h,
         greatest(epoch(i.end_ts) - epoch(i.start_ts), 60) / 3600.0 * $responders * CASE WHEN i.overnight THEN $overnight_multiplier ELSE 1 END AS engineer_hours
  FROM incidents i LEFT JOIN cause c USING (incident)
)
SELECT 'info' AS severity, start_ts, end_ts,
       format('Incident {} to {} ({} min, {} signals: {}){}: {} engineer-hours ≈ {} EUR at {} EUR/h = {} months of the {} EUR/month lease. Probable cause: {}',
              strftime(start_ts, '%Y-%m-%d %H:%M'), strftime(end_ts, '%H:%M'), round(duration_h * 60), n, kinds,
              CASE WHEN overnight THEN format(' overnight ×{}', $overnight_multiplier) ELSE '' END,
              round(engineer_hours, 1), round(engineer_hours * $hourly_rate), $hourly_rate, round(engineer_hours * $hourly_rate / $monthly_lease, 1), $monthly_lease,
              coalesce(probable_cause, 'not established by the queries')) AS statement,
       CASE WHEN probable_cause IS NOT NULL THEN 0.8 ELSE 0.4 END AS confidence,
       to_json(ev)::VARCHAR AS evidence,
       round(duration_h, 2) AS duration_h, round(engineer_hours, 2) AS engineer_hours, round(engineer_hours * $hourly_rate, 2) AS cost,
       round(engineer_hours * $hourly_rate / $monthly_lease, 2) AS lease_months, overnight, n::INTEGER AS signals, cause_query
FROM costed ORDER BY start_ts
