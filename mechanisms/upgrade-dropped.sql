-- ---
-- id: upgrade-dropped
-- title: A proxy that stopped forwarding the WebSocket upgrade
-- query: proxy-refusals
-- explains: [not-upgraded, transport, release-cut]
-- contradicts: []
-- triggers: >
--   A config change of one proxy that removes or disables the forwarding of `Upgrade`/`Connection` (nginx
--   proxy_set_header Upgrade/Connection, forwards_upgrade false, proxy_http_version), applied by its next release.
-- lag: >
--   Sessions open at the release drop when the old worker goes; every reconnect after the release is answered 200 (the
--   gateway serves the Control UI page) instead of 101.
-- paths: the proxy whose config changed.
-- impact: path
-- remediation: >
--   Forward the `Upgrade` and `Connection` headers to the gateway again (nginx: `proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade;`).
-- ---
WITH ch AS (
  SELECT * FROM candidate_changes
  WHERE kind = 'config' AND (key IN ('proxy_set_header.Upgrade', 'proxy_set_header.Connection') AND (action = 'removed' OR new_value IS NULL)
                             OR key = 'forwards_upgrade' AND new_value = 'false'
                             OR key = 'proxy_http_version' AND coalesce(new_value, '') <> '1.1')
), e AS (
  SELECT * FROM episodes WHERE family IN ('not-upgraded', 'transport')
), cand AS (
  SELECT e.episode_id, e.path, e.start_ts, e.end_ts, e.symptoms, ch.change_id, ch.ts AS change_ts, ch.component, ch.key, ch.commit_sha
  FROM e JOIN ch ON ch.component = e.path AND ch.ts <= e.start_ts AND ch.ts >= e.start_ts - INTERVAL 7 DAY
  QUALIFY row_number() OVER (PARTITION BY e.episode_id ORDER BY ch.ts DESC, ch.key = 'forwards_upgrade' DESC) = 1
), trig AS (
  SELECT c.episode_id, arg_min(r.change_id, (r.ts, r.change_id)) AS trigger_id, min(r.ts) AS release_ts
  FROM cand c JOIN candidate_changes r ON r.kind = 'release' AND r.component = c.component AND r.ts >= c.change_ts AND r.ts <= c.end_ts
  GROUP BY c.episode_id
), fix AS (
  SELECT c.episode_id, arg_min(f.change_id, (f.ts, f.change_id)) AS fix_id
  FROM cand c JOIN candidate_changes f ON f.kind = 'config' AND f.component = c.component AND f.ts > c.change_ts AND f.ts <= c.end_ts + INTERVAL 10 MINUTE
   AND (f.key = 'forwards_upgrade' AND f.new_value = 'true' OR f.key IN ('proxy_set_header.Upgrade', 'proxy_set_header.Connection') AND f.action = 'changed')
  GROUP BY c.episode_id
), n AS (
  SELECT c.episode_id, count(*) FILTER (WHERE s.family = 'not-upgraded') AS not_upgraded, count(*) FILTER (WHERE s.family <> 'not-upgraded') AS dropped,
         -- the sessions a release cut count when upgrades through that proxy went unanswered after it
         (SELECT count(*) FROM symptoms u WHERE u.family = 'not-upgraded' AND u.path = any_value(c.path)
            AND u.ts BETWEEN any_value(c.change_ts) AND any_value(c.end_ts) + INTERVAL 1 HOUR) AS not_upgraded_after
  FROM cand c JOIN symptoms s ON s.episode_id = c.episode_id GROUP BY c.episode_id
)
SELECT c.episode_id, c.change_id, t.trigger_id, x.fix_id,
       (n.not_upgraded + CASE WHEN t.trigger_id IS NOT NULL THEN n.dropped ELSE 0 END)::INTEGER AS explained,
       1.0 AS key_match, 1.0 AS path_match,
       CASE WHEN t.release_ts IS NOT NULL THEN 1.0 ELSE 0.4 END AS lag_fit, false AS planned,
       round(epoch(c.start_ts) - epoch(t.release_ts), 1) AS lag_s,
       format('WebSocket upgrades through {} were answered without an upgrade for {} after {} dropped {}', c.component,
              human_duration(epoch(c.end_ts) - epoch(c.start_ts)), coalesce('commit ' || c.commit_sha[1:7], 'a config change'), c.key) AS headline,
       format('{} upgrade request(s) through {} got 200 instead of 101{}', greatest(n.not_upgraded, n.not_upgraded_after), c.component,
              CASE WHEN n.dropped > 0 AND t.trigger_id IS NOT NULL THEN format('; {} session(s) were cut as the reload that applied it drained', n.dropped) ELSE '' END) AS why,
       NULL AS missing,
       to_json({'not_upgraded': n.not_upgraded, 'dropped': n.dropped})::VARCHAR AS facts
FROM cand c JOIN n USING (episode_id) LEFT JOIN trig t USING (episode_id) LEFT JOIN fix x USING (episode_id)
WHERE n.not_upgraded > 0 OR (n.not_upgraded_after > 0 AND t.trigger_id IS NOT NULL)
