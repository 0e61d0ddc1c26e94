-- ---
-- id: ws-close-bursts
-- title: WebSocket close bursts
-- severity: medium
-- group: symptom
-- answers: >
--   When did WebSocket closes of one kind come in bursts against their rolling baseline? Closes come from gateway
--   lines, client lines and the proxy's access log (upgraded sessions that ended at the proxy timeout, or together in
--   one second as a worker drained; 502/504 on an upgrade). 1006 (transport) is kept apart from 1008/4008 (policy),
--   4001 (auth changed) and 1012/1013 (restart); normal closes (1000/1001/1005) never make a burst.
-- params:
--   window_minutes: {default: 1440, unit: minutes, description: rolling baseline window}
--   min_count: {default: 5, unit: closes per minute, description: a burst minute has at least this many closes}
--   ratio: {default: 3, unit: x baseline, description: and at least this multiple of the baseline rate}
--   mass_close_min: {default: 5, unit: closes in one second, description: proxy 101 lines closing together that count as transport closes}
-- needs: [gateway_events, proxy_requests]
-- ---
SELECT CASE WHEN class = '1006 transport' THEN 'medium' WHEN class = '1008/4008 policy' THEN 'medium' ELSE 'low' END AS severity,
       start_minute AS start_ts, end_minute AS end_ts,
       format('{} burst: {} closes in {} minute(s) from {} to {} (peak {}/min, baseline {}/min), seen by {}',
              class, closes, burst_minutes, strftime(start_minute, '%Y-%m-%d %H:%M'), strftime(end_minute, '%H:%M'),
              peak_per_minute, baseline_per_minute, array_to_string(seen_by, ', ')) AS statement,
       least(0.95, 0.5 + closes / 200.0) AS confidence,
       to_json(evidence_lines)::VARCHAR AS evidence,
       class, closes, peak_per_minute, baseline_per_minute, burst_minutes
FROM ws_bursts($window_minutes, $min_count, $ratio, $mass_close_min)
ORDER BY start_minute
