-- ---
-- id: handshake-latency
-- title: WebSocket handshake latency and pairing durations
-- severity: low
-- group: cause
-- answers: >
--   p50/p95/p99 of the WebSocket handshake time per hour against the 200 ms same-network budget, from the gateway
--   file log's close meta (handshakeMs, or durationMs of failed handshakes); and how long devices waited from their
--   first `pairing required` to their approval, against 10 s (SSD) / 40 s (slow volume).
-- params:
--   budget_ms: {default: 200, unit: milliseconds, description: handshake budget on the same network}
--   pairing_budget_s: {default: 40, unit: seconds, description: pairing budget on a slow volume}
-- needs: [gateway_events]
-- ---
WITH hs AS (
  SELECT time_bucket(INTERVAL 1 HOUR, ts) AS hour, coalesce(TRY_CAST(meta->>'$.handshakeMs' AS DOUBLE), TRY_CAST(meta->>'$.durationMs' AS DOUBLE)) AS ms,
         source_id, line_no
  FROM gateway_events WHERE meta IS NOT NULL AND ts IS NOT NULL
), hourly AS (
  SELECT hour, count(*) AS n, quantile_cont(ms, 0.5) AS p50, quantile_cont(ms, 0.95) AS p95, quantile_cont(ms, 0.99) AS p99,
         arg_max(source_id, ms) AS source_id, arg_max(line_no, ms) AS line_no
  FROM hs WHERE ms IS NOT NULL GROUP BY hour
), pairing AS (
  SELECT a.device_id, min(a.ts) AS approved, min(r.ts) AS first_required, arg_min(a.source_id, a.ts) AS source_id, arg_min(a.line_no, a.ts) AS line_no
  FROM gateway_events a JOIN gateway_events r ON r.device_id = a.device_id AND r.ts < a.ts AND (r.cause = 'pairing-required' OR r.auth_reason = 'device_token_mismatch')
  WHERE a.event IN ('pairing-approved', 'pairing-auto-approved')
  GROUP BY a.device_id
)
SELECT CASE WHEN p95 > $budget_ms THEN 'low' ELSE 'info' END AS severity, hour AS start_ts, hour + INTERVAL 1 HOUR AS end_ts,
       format('Handshakes {}: p50 {} ms, p95 {} ms, p99 {} ms over {} handshake(s){}', strftime(hour, '%Y-%m-%d %H:00'), round(p50)::INTEGER, round(p95)::INTEGER, round(p99)::INTEGER, n,
              CASE WHEN p95 > $budget_ms THEN format(' — p95 above the {} ms budget', $budget_ms) ELSE '' END) AS statement,
       0.7 AS confidence, to_json([{'source_id': source_id, 'line': line_no, 'note': 'slowest handshake of the hour'}])::VARCHAR AS evidence
FROM hourly WHERE p95 > $budget_ms
UNION ALL
SELECT 'info', min(first_required), max(approved),
       format('{} device(s) waited from their first pairing rejection to approval: median {} s, worst {} s (budget {} s; operator approval time dominates)',
              count(*), round(median(epoch(approved) - epoch(first_required))), round(max(epoch(approved) - epoch(first_required))), $pairing_budget_s),
       0.8, to_json(list({'source_id': source_id, 'line': line_no, 'note': 'approval'} ORDER BY approved)[1:5])::VARCHAR
FROM pairing HAVING count(*) > 0
