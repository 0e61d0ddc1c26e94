-- ---
-- id: proxy-trust
-- title: The gateway stopped trusting the proxy in front of it
-- query: proxy-refusals
-- explains: [refused-upgrade]
-- contradicts: []
-- triggers: >
--   A change of gateway.trustedProxies (or the proxy's address) in openclaw.json, hot-reloaded by the gateway; or a
--   proxy chain that is all loopback.
-- lag: >
--   Live sessions stay; every new upgrade through that proxy is refused 403 `proxy_attribution_required` from the
--   hot reload on; the gateway warns once per process (`observed unattributable proxy-shaped traffic`).
-- paths: the proxies whose address is no longer trusted; direct clients are unaffected.
-- impact: path
-- remediation: >
--   Put the proxy's address back into `gateway.trustedProxies` (and have the proxy forward a non-loopback client address); change trusted proxies together with the proxy itself.
-- ---
WITH ch AS (
  SELECT * FROM candidate_changes WHERE kind = 'config' AND key LIKE 'gateway.trustedProxies%'
), cand AS (
  SELECT e.episode_id, e.path, e.start_ts, e.end_ts, e.symptoms, ch.change_id, ch.ts AS change_ts, ch.key, ch.old_value, ch.new_value, ch.commit_sha
  FROM episodes e JOIN ch ON ch.ts <= e.start_ts AND ch.ts >= e.start_ts - INTERVAL 1 DAY
  WHERE e.family = 'refused-upgrade'
  QUALIFY row_number() OVER (PARTITION BY e.episode_id ORDER BY ch.ts DESC) = 1
), applied AS (
  SELECT c.episode_id, arg_min(g.change_id, (g.ts, g.change_id)) AS trigger_id
  FROM cand c JOIN candidate_changes g ON g.kind = 'gateway' AND g.action IN ('reload-applied', 'reload-detected') AND g.ts >= c.change_ts AND g.ts <= c.start_ts + INTERVAL 5 SECOND
  GROUP BY c.episode_id
), fix AS (
  SELECT c.episode_id, arg_min(f.change_id, (f.ts, f.change_id)) AS fix_id
  FROM cand c JOIN candidate_changes f ON f.kind = 'config' AND f.key = c.key AND f.ts > c.change_ts AND f.ts <= c.end_ts + INTERVAL 10 MINUTE
  GROUP BY c.episode_id
)
SELECT c.episode_id, c.change_id, a.trigger_id, x.fix_id, c.symptoms AS explained, 1.0 AS key_match, 1.0 AS path_match,
       CASE WHEN epoch(c.start_ts) - epoch(c.change_ts) <= 600 THEN 1.0 ELSE 0.5 END AS lag_fit, false AS planned,
       round(epoch(c.start_ts) - epoch(c.change_ts), 1) AS lag_s,
       format('Upgrades through {} were refused 403 (proxy not trusted) for {} after {} changed {} to {}', c.path,
              human_duration(epoch(c.end_ts) - epoch(c.start_ts)), coalesce('commit ' || c.commit_sha[1:7], 'a config change'), c.key, coalesce(c.new_value, '(unset)')) AS headline,
       format('{} upgrade(s) through {} were refused as untrusted proxy traffic', c.symptoms, c.path) AS why,
       NULL AS missing, to_json({'old_value': c.old_value, 'new_value': c.new_value})::VARCHAR AS facts
FROM cand c LEFT JOIN applied a USING (episode_id) LEFT JOIN fix x USING (episode_id)
