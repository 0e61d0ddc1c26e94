-- ---
-- id: ws1006-after-proxy-release
-- title: 1006 bursts and the proxy releases behind them
-- severity: high
-- group: cause
-- sarif: true
-- answers: >
--   For each 1006 (transport) burst, the nearest preceding proxy release within the window — a reload notice in the
--   error log, a new worker pid in the access log, a reload run in the proxy container, a proxy container start —
--   with the drain lag (a reload cuts nothing until worker_shutdown_timeout) and what changed in the proxy config
--   (the commit before the release and its value changes, e.g. proxy_read_timeout 3600s → 20s). Bursts explained
--   instead by a gateway restart (SIGTERM / 1012 first) or a container kill are classified as such; the rest are
--   listed as unexplained.
-- params:
--   window_minutes: {default: 30, unit: minutes, description: how far before a burst a release is looked for}
--   commit_days: {default: 7, unit: days, description: how far before a release its config commit is looked for}
--   baseline_minutes: {default: 1440, unit: minutes, description: burst detection baseline window}
--   min_count: {default: 5, unit: closes per minute, description: burst threshold}
--   ratio: {default: 3, unit: x baseline, description: burst threshold}
-- needs: [proxy_requests, gateway_events]
-- impact_signals: [transport]
-- ---
-- what to do depends on the row: the remediation column
SELECT *, CASE WHEN coalesce(what_changed, '') LIKE '%forwards_upgrade%'
            THEN 'Forward the `Upgrade` and `Connection` headers to the gateway again (`proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade;`).'
            WHEN explanation = 'proxy-release'
            THEN 'Set `proxy_read_timeout` (and `proxy_send_timeout`) well above the gateway''s 30 s tick (e.g. `3600s`), review proxy config changes for WebSocket impact, and reload at a quiet time with a known `worker_shutdown_timeout`.' END AS remediation,
  -- the explanation in plain words (case/finding.ts): headline, mechanism, trigger, runner-up, and the fix the evidence holds
  CASE explanation
    WHEN 'proxy-release' THEN format('WebSockets through {} were cut{} for {} after {}', proxy,
        CASE WHEN typical_lifetime_s IS NOT NULL THEN format(' every {} s', round(typical_lifetime_s)::BIGINT) ELSE '' END,
        duration_words(epoch(end_ts) - epoch(start_ts)),
        CASE WHEN commit_sha IS NOT NULL THEN format('commit {} set {}', commit_sha[1:7], coalesce(split_part(what_changed, '; ', 1), 'a new proxy config')) ELSE 'a proxy release' END)
    WHEN 'gateway-restart' THEN format('WebSockets were cut ({} closes) when the gateway restarted', closes)
    WHEN 'container-kill' THEN format('WebSockets were cut ({} closes) when the gateway container was killed', closes)
    ELSE format('WebSockets were cut ({} closes in {}) with no release, restart or kill found before it', closes, duration_words(epoch(end_ts) - epoch(start_ts))) END AS headline,
  CASE explanation
    WHEN 'proxy-release' THEN concat_ws(' ',
        format('A reload of {} closes the upgraded connections its old workers hold{}.', proxy,
          CASE WHEN worker_shutdown_timeout IS NOT NULL THEN format(' once worker_shutdown_timeout ({}) runs out', worker_shutdown_timeout) ELSE '' END),
        CASE WHEN contains(coalesce(what_changed, ''), 'proxy_read_timeout') THEN
          format('The new proxy_read_timeout ({}) is shorter than the gateway''s 30 s tick, so the proxy also cuts every WebSocket that stays idle that long{}; clients see 1006 (no close frame).',
            regexp_extract(what_changed, 'proxy_read_timeout [^;]*→ ([^;]+)', 1),
            CASE WHEN typical_lifetime_s IS NOT NULL THEN format(' (typical lifetime {} s)', typical_lifetime_s) ELSE '' END)
        ELSE 'Clients see 1006 (no close frame).' END)
    WHEN 'gateway-restart' THEN format('The gateway went down ({}) and its sockets closed with it.', gateway_restart)
    WHEN 'container-kill' THEN format('The gateway container was killed ({}): its sockets closed without a close frame.', container_kill) END AS mechanism,
  CASE WHEN explanation = 'proxy-release' THEN
    concat_ws(', then ', CASE WHEN commit_sha IS NOT NULL THEN format('commit {} "{}" by {}', commit_sha[1:7],
                 (SELECT subject FROM commits WHERE sha = commit_sha LIMIT 1), (SELECT author FROM commits WHERE sha = commit_sha LIMIT 1)) END,
              format('{} {} s before the first close', release, lag_s)) END AS trigger,
  CASE explanation
    WHEN 'proxy-release' THEN {'statement': 'a gateway restart or a killed gateway container at the same moment',
      'why_lost': CASE WHEN gateway_restart IS NULL AND container_kill IS NULL THEN 'no gateway signal, 1012/1013 close or killed gateway container within 2 minutes of the first close'
                       ELSE format('the proxy release came first ({} s before the first close); also seen: {}', lag_s, coalesce(gateway_restart, container_kill)) END}
    WHEN 'gateway-restart' THEN {'statement': 'a proxy release', 'why_lost': format('no reload notice, new worker or proxy container start within {} minutes before the first close', $window_minutes)}
    WHEN 'container-kill' THEN {'statement': 'a proxy release or a gateway restart', 'why_lost': 'neither was seen before the first close'} END AS runner_up,
  -- the fix: the first later commit that changed the same proxy keys again, before the burst was over (+30 min), and the release that applied it
  CASE WHEN explanation = 'proxy-release' AND commit_sha IS NOT NULL THEN (
    SELECT {'statement': format('commit {} "{}" by {} changed {}{}', l.sha[1:7], c.subject, c.author, l.what,
                                CASE WHEN rl.ts IS NOT NULL THEN format('; released at {} ({})', strftime(rl.ts, '%H:%M:%S'), rl.what) ELSE '' END),
            'at': strftime(coalesce(rl.ts, l.t), '%Y-%m-%dT%H:%M:%SZ'),
            'evidence': list_concat([{'sha': l.sha, 'path': l.path, 'note': 'the fix'}],
                                    CASE WHEN rl.ts IS NOT NULL THEN [{'source_id': rl.source_id, 'line': rl.line_no, 'note': 'the fix released'}] ELSE [] END)}
    FROM (SELECT ch.commit_sha AS sha, any_value(ch.path) AS path, min(ch.valid_from) AS t,
                 string_agg(ch.key || ' ' || coalesce(ch.old_value, '(unset)') || ' → ' || coalesce(ch.new_value, '(unset)'), '; ' ORDER BY ch.key) AS what
          FROM config_changes ch
          WHERE ch.surface = 'nginx.conf' AND ch.commit_sha IS NOT NULL AND ch.commit_sha <> x.commit_sha AND NOT ch.first_seen
            AND ch.valid_from > x.start_ts AND ch.valid_from <= x.end_ts + INTERVAL 30 MINUTE
            AND ch.key IN (SELECT key FROM config_changes WHERE commit_sha = x.commit_sha AND surface = 'nginx.conf')
          GROUP BY ch.commit_sha ORDER BY t LIMIT 1) l
    JOIN commits c ON c.sha = l.sha
    LEFT JOIN LATERAL (SELECT * FROM proxy_releases r WHERE r.ts >= l.t ORDER BY r.ts LIMIT 1) rl ON true
    LIMIT 1) END AS fix
FROM (
WITH bursts AS (
  SELECT * FROM ws_bursts($baseline_minutes, $min_count, $ratio, 5) WHERE class = '1006 transport'
), first_close AS (
  -- the first transport close of the burst, to the second
  SELECT b.burst_no, min(c.ts) AS first_ts
  FROM bursts b JOIN ws_close_classified(5) c ON c.code = 1006 AND c.ts >= b.start_minute AND c.ts < b.end_minute
  GROUP BY b.burst_no
), release AS (
  SELECT b.burst_no, r.*, row_number() OVER (PARTITION BY b.burst_no ORDER BY
           CASE WHEN r.what LIKE 'reload notice%' THEN 0 WHEN r.what LIKE 'proxy container%' THEN 1 ELSE 2 END, r.ts DESC) AS pick
  FROM bursts b JOIN first_close f USING (burst_no)
  JOIN proxy_releases r ON r.ts <= f.first_ts AND r.ts >= f.first_ts - to_minutes(CAST($window_minutes AS BIGINT))
), rel AS (SELECT * FROM release WHERE pick = 1),
gateway_restart AS (
  SELECT b.burst_no, min(g.ts) AS ts, arg_min(g.source_id, g.ts) AS source_id, arg_min(g.line_no, g.ts) AS line_no,
         arg_min(g.message, g.ts) AS what
  FROM bursts b JOIN first_close f USING (burst_no)
  JOIN gateway_events g ON (g.event = 'signal' OR g.close_code IN (1012, 1013))
   AND g.ts BETWEEN f.first_ts - INTERVAL 2 MINUTE AND f.first_ts + INTERVAL 30 SECOND
  GROUP BY b.burst_no
), container_kill AS (
  SELECT b.burst_no, min(e.ts) AS ts, arg_min(e.source_id, e.ts) AS source_id, arg_min(e.line_no, e.ts) AS line_no,
         arg_min(coalesce(e.name, e.actor_id[1:12]) || ' died with exit code ' || e.exit_code, e.ts) AS what
  FROM bursts b JOIN first_close f USING (burst_no)
  JOIN docker_events e ON e.action = 'die' AND e.exit_code IN (137, 143)
   AND regexp_matches(coalesce(e.service, e.name, ''), '(?i)gateway|openclaw')
   AND e.ts BETWEEN f.first_ts - INTERVAL 2 MINUTE AND f.first_ts + INTERVAL 30 SECOND
  GROUP BY b.burst_no
), cfg_commit AS (
  SELECT r.burst_no, c.*, row_number() OVER (PARTITION BY r.burst_no ORDER BY c.committer_time DESC) AS pick
  FROM rel r JOIN proxy_config_commits c ON c.committer_time <= r.ts AND c.committer_time >= r.ts - to_days(CAST($commit_days AS BIGINT))
), cc AS (SELECT * FROM cfg_commit WHERE pick = 1),
changes AS (
  SELECT cc.burst_no, string_agg(ch.key || ' ' || coalesce(ch.old_value, '(unset)') || ' → ' || coalesce(ch.new_value, '(unset)'), '; ' ORDER BY ch.key) AS what_changed,
         min(ch.line_no) AS line_no
  FROM cc JOIN config_changes ch ON ch.commit_sha = cc.sha AND ch.surface = 'nginx.conf' AND NOT ch.first_seen
   AND ch.key IN ('proxy_read_timeout', 'proxy_send_timeout', 'forwards_upgrade', 'proxy_http_version', 'proxy_set_header.Upgrade',
                  'proxy_set_header.Connection', 'worker_shutdown_timeout', 'keepalive_timeout', 'proxy_pass[0]')
  GROUP BY cc.burst_no
), drain AS (
  SELECT r.burst_no, arg_max(v.value, v.valid_from) AS worker_shutdown_timeout
  FROM rel r JOIN config_values v ON v.surface = 'nginx.conf' AND v.key = 'worker_shutdown_timeout' AND (v.valid_from <= r.ts OR v.valid_from_assumed)
  GROUP BY r.burst_no
), lifetimes AS (
  SELECT b.burst_no, median(c.lifetime_s) FILTER (WHERE c.inferred_by LIKE 'lifetime%') AS typical_lifetime_s
  FROM bursts b JOIN ws_close_classified(5) c ON c.code = 1006 AND c.ts >= b.start_minute AND c.ts < b.end_minute
  GROUP BY b.burst_no
)
SELECT
  CASE WHEN r.ts IS NOT NULL THEN 'high' WHEN gr.ts IS NOT NULL OR ck.ts IS NOT NULL THEN 'medium' ELSE 'medium' END AS severity,
  f.first_ts AS start_ts, b.end_minute AS end_ts,
  CASE
    WHEN r.ts IS NOT NULL THEN format('1006 burst from {} ({} closes, peak {}/min) follows a proxy release {} s earlier: {}{}{}{}',
        strftime(f.first_ts, '%Y-%m-%d %H:%M:%S'), b.closes, b.peak_per_minute, round(epoch(f.first_ts) - epoch(r.ts), 1), r.what,
        CASE WHEN d.worker_shutdown_timeout IS NOT NULL THEN format(' (drain lag ≈ worker_shutdown_timeout {})', d.worker_shutdown_timeout) ELSE '' END,
        CASE WHEN cc.sha IS NOT NULL THEN format('; config commit {} "{}" by {} at {}', cc.sha[1:12], cc.subject, cc.author, strftime(cc.committer_time, '%Y-%m-%d %H:%M:%S')) ELSE '' END,
        CASE WHEN ch.what_changed IS NOT NULL THEN ': ' || ch.what_changed ELSE '' END)
    WHEN gr.ts IS NOT NULL THEN format('1006 burst from {} ({} closes) is explained by a gateway restart: {}', strftime(f.first_ts, '%Y-%m-%d %H:%M:%S'), b.closes, gr.what)
    WHEN ck.ts IS NOT NULL THEN format('1006 burst from {} ({} closes) is explained by a container kill: {}', strftime(f.first_ts, '%Y-%m-%d %H:%M:%S'), b.closes, ck.what)
    ELSE format('1006 burst from {} ({} closes, peak {}/min) is unexplained: no proxy release, gateway restart or container kill within {} minutes before it',
        strftime(f.first_ts, '%Y-%m-%d %H:%M:%S'), b.closes, b.peak_per_minute, $window_minutes)
  END AS statement,
  CASE WHEN r.ts IS NOT NULL AND ch.what_changed IS NOT NULL THEN 0.95 WHEN r.ts IS NOT NULL THEN 0.8 WHEN gr.ts IS NOT NULL OR ck.ts IS NOT NULL THEN 0.8 ELSE 0.4 END AS confidence,
  to_json(list_concat(
    CASE WHEN r.ts IS NOT NULL THEN [{'source_id': r.source_id, 'line': r.line_no, 'note': 'release: ' || r.what}] ELSE [] END,
    CASE WHEN cc.sha IS NOT NULL THEN [{'sha': cc.sha, 'path': cc.path, 'note': 'commit: ' || cc.subject}] ELSE [] END,
    CASE WHEN gr.ts IS NOT NULL THEN [{'source_id': gr.source_id, 'line': gr.line_no, 'note': 'gateway restart'}] ELSE [] END,
    CASE WHEN ck.ts IS NOT NULL THEN [{'source_id': ck.source_id, 'line': ck.line_no, 'note': 'container kill'}] ELSE [] END,
    b.evidence_lines))::VARCHAR AS evidence,
  CASE WHEN r.ts IS NOT NULL THEN 'proxy-release' WHEN gr.ts IS NOT NULL THEN 'gateway-restart' WHEN ck.ts IS NOT NULL THEN 'container-kill' ELSE 'unexplained' END AS explanation,
  round(epoch(f.first_ts) - epoch(r.ts), 1) AS lag_s, r.what AS release, cc.sha AS commit_sha, ch.what_changed, d.worker_shutdown_timeout,
  l.typical_lifetime_s, b.closes, gr.what AS gateway_restart, ck.what AS container_kill,
  (SELECT mode(p.proxy) FROM proxy_requests p WHERE p.is_websocket AND p.ts BETWEEN f.first_ts AND b.end_minute) AS proxy
FROM bursts b JOIN first_close f USING (burst_no)
LEFT JOIN rel r USING (burst_no) LEFT JOIN gateway_restart gr USING (burst_no) LEFT JOIN container_kill ck USING (burst_no)
LEFT JOIN cc USING (burst_no) LEFT JOIN changes ch USING (burst_no) LEFT JOIN drain d USING (burst_no) LEFT JOIN lifetimes l USING (burst_no)
ORDER BY f.first_ts
) x
