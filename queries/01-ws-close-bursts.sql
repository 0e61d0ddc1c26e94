-- ---
-- id: ws-close-bursts
-- title: Episodes of client-visible failures
-- severity: low
-- group: symptom
-- answers: >
--   Every episode of client-visible failures (table episodes): symptoms of one family — transport drops and release
--   cuts, upstream down, pairing, token, config fatal, restart notices, refused or non-upgraded upgrades — on one path
--   (direct or a proxy), de-duplicated across the gateway, the clients and the proxy, closed after a gap relative to
--   their own rate and split where the gateway went down; with the clients hit against the clients that path served
--   before, and the cause the attribution engine gave it (the cause findings carry the severity). First pairings,
--   restart notices and handshake refusals that nothing else explains are normal and not listed.
-- needs: [gateway_events, proxy_requests]
-- ---
SELECT CASE WHEN v.mechanism IS NULL AND v.family IN ('transport', 'upstream-down', 'token') AND v.clients >= 3
                 AND epoch(v.end_ts) - epoch(v.start_ts) >= 30 THEN 'medium'
            WHEN v.family IN ('pairing', 'restart-notice') OR v.planned THEN 'info' ELSE 'low' END AS severity,
       v.start_ts, v.end_ts,
       format('{} episode on {}: {} symptom(s) from {} clients{} between {} and {} ({}), seen by {}{}',
              v.family, v.path, v.symptoms, v.clients, CASE WHEN v.clients_before > 0 THEN format(' of the {} it served in the hour before', v.clients_before) ELSE '' END,
              strftime(v.start_ts, '%Y-%m-%d %H:%M:%S'), strftime(v.end_ts, '%H:%M:%S'), human_duration(epoch(v.end_ts) - epoch(v.start_ts)),
              array_to_string(v.observers, ', '), coalesce('; cause: ' || v.mechanism, '; no mechanism explains it')) AS statement,
       0.9 AS confidence,
       to_json(ev.lines)::VARCHAR AS evidence,
       v.episode_id, v.family AS class, v.path, v.symptoms AS closes, v.clients, v.clients_before, v.families, v.mechanism AS explained_by
FROM episode_verdicts v
LEFT JOIN (SELECT episode_id, list({'source_id': source_id, 'line': line_no, 'note': family || ': ' || left(detail, 100)} ORDER BY ts, source_id, line_no)[1:6] AS lines
           FROM symptoms GROUP BY episode_id) ev USING (episode_id)
-- first pairings and restart notices nothing else explains are normal: not listed
WHERE v.mechanism IS NOT NULL OR v.family NOT IN ('pairing', 'restart-notice', 'handshake-refused')
ORDER BY v.start_ts
