-- ---
-- id: proxy-idle-timeout
-- title: A proxy idle timeout shorter than the gateway's quiet gaps
-- query: ws1006-after-proxy-release
-- explains: [transport, release-cut]
-- contradicts: [upstream-down]
-- triggers: >
--   A config change that lowers an idle timeout of one proxy (nginx proxy_read_timeout/proxy_send_timeout, HAProxy
--   timeout tunnel/client/server, Traefik respondingTimeouts, …) below ten minutes, applied by that proxy's next release.
-- lag: >
--   Sessions that span the release end when the old worker goes (reload + worker_shutdown_timeout / hard-stop-after,
--   or the worker's own exit notice); every later session ends about the new timeout after its last frame (a gateway
--   tick every 30 s can stretch one by up to a tick). A revert ends it when the worker holding the bad value exits.
-- paths: the proxy whose config changed; never direct clients or other proxies.
-- remediation: >
--   Set the proxy's idle timeout for the gateway's WebSockets well above the gateway's 30 s tick (nginx `proxy_read_timeout 3600s`, HAProxy `timeout tunnel 1h`), and review proxy timeout changes for WebSocket impact before reloading.
-- ---
WITH ch AS (
  SELECT * FROM candidate_changes
  WHERE kind = 'config' AND is_idle_timeout_key(key) AND seconds IS NOT NULL AND seconds < 600
    AND (old_value IS NULL OR duration_seconds(old_value) IS NULL OR duration_seconds(old_value) > seconds)
), cand AS (
  -- per episode, the latest such change of each proxy within a week before it
  SELECT e.episode_id, e.path, e.start_ts, e.end_ts, e.symptoms, ch.change_id, ch.ts AS change_ts, ch.seconds AS timeout_s, ch.component,
         ch.key, ch.old_value, ch.new_value, ch.commit_sha
  FROM episodes e JOIN ch ON ch.ts <= e.start_ts AND ch.ts >= e.start_ts - INTERVAL 7 DAY
  WHERE e.family = 'transport'
  QUALIFY row_number() OVER (PARTITION BY e.episode_id, ch.component ORDER BY ch.ts DESC, ch.key) = 1
), trig AS (
  -- the release of that proxy that applied it: the first one after the change and before the episode
  SELECT c.episode_id, arg_min(r.change_id, (r.ts, r.change_id)) AS trigger_id, min(r.ts) AS release_ts, arg_min(r.seconds, (r.ts, r.change_id)) AS drain_s
  FROM cand c JOIN candidate_changes r ON r.kind = 'release' AND r.component = c.component AND r.ts >= c.change_ts AND r.ts <= c.start_ts
  GROUP BY c.episode_id
), fit AS (
  SELECT c.episode_id,
         count(*) FILTER (WHERE s.lifetime_s BETWEEN c.timeout_s - 1 AND c.timeout_s + 3) AS at_timeout,
         count(*) FILTER (WHERE s.family = 'release-cut') AS at_release,
         count(DISTINCT s.client_key) AS clients,
         median(s.lifetime_s) FILTER (WHERE s.lifetime_s BETWEEN c.timeout_s - 1 AND c.timeout_s + 3) AS typical_lifetime_s,
         min(s.ts) FILTER (WHERE s.lifetime_s BETWEEN c.timeout_s - 1 AND c.timeout_s + 3) AS first_timeout_ts
  FROM cand c JOIN symptoms s ON s.episode_id = c.episode_id GROUP BY c.episode_id
), fix AS (
  -- a later change of the same key back to the earlier value (or to ten minutes or more) around the episode's end
  SELECT c.episode_id, arg_min(f.change_id, (f.ts, f.change_id)) AS fix_id, min(f.ts) AS fix_ts, arg_min(f.commit_sha, (f.ts, f.change_id)) AS fix_sha
  FROM cand c JOIN candidate_changes f ON f.kind = 'config' AND f.component = c.component AND f.key = c.key AND f.ts > c.change_ts
   AND (f.seconds >= 600 OR f.new_value = c.old_value) AND f.ts <= c.end_ts + INTERVAL 10 MINUTE
  GROUP BY c.episode_id
)
SELECT c.episode_id, c.change_id, t.trigger_id, x.fix_id,
       (f.at_timeout + CASE WHEN t.trigger_id IS NOT NULL THEN f.at_release ELSE 0 END)::INTEGER AS explained,
       1.0 AS key_match,
       CASE WHEN c.path = c.component THEN 1.0 ELSE 0.0 END AS path_match,
       -- the first cut is due at release + drain (sessions spanning it) or release + the timeout (new sessions)
       CASE WHEN t.release_ts IS NULL THEN 0.3
            WHEN abs(epoch(c.start_ts) - epoch(t.release_ts) - coalesce(t.drain_s, c.timeout_s)) <= 5 THEN 1.0
            WHEN epoch(c.start_ts) - epoch(t.release_ts) <= c.timeout_s + 35 THEN 0.8
            ELSE 0.4 END AS lag_fit,
       false AS planned,
       round(epoch(c.start_ts) - epoch(t.release_ts), 1) AS lag_s,
       format('WebSockets through {} were cut {}for {} after {} lowered {} {} → {}{}',
              c.component, CASE WHEN f.at_timeout > 0 THEN format('every {} s ', round(c.timeout_s)::BIGINT) ELSE '' END,
              human_duration(epoch(c.end_ts) - epoch(c.start_ts)), coalesce('commit ' || c.commit_sha[1:7], 'a config change'), c.key,
              coalesce(c.old_value, '(unset)'), c.new_value,
              CASE WHEN t.release_ts IS NOT NULL THEN format(' (applied by the reload at {}{})', strftime(t.release_ts, '%H:%M:%S'),
                   CASE WHEN t.drain_s IS NOT NULL THEN format(', sessions open then cut after its {} s drain', round(t.drain_s)::BIGINT) ELSE '' END) ELSE '' END) AS headline,
       format('{} of {} dropped sessions lasted ≈ {} s (the new {}){}', f.at_timeout, c.symptoms, round(c.timeout_s)::BIGINT, c.key,
              CASE WHEN f.at_release > 0 AND t.trigger_id IS NOT NULL THEN format(' and {} were cut as the old worker drained', f.at_release) ELSE '' END) AS why,
       CASE WHEN t.trigger_id IS NULL THEN format('no {} release after the change was found in the evidence; the timeout was inferred from the session lifetimes alone', c.component) END AS missing,
       to_json({'timeout_s': c.timeout_s, 'key': c.key, 'old_value': c.old_value, 'new_value': c.new_value, 'sessions_at_timeout': f.at_timeout,
                'cut_at_release': f.at_release, 'typical_lifetime_s': f.typical_lifetime_s, 'drain_s': t.drain_s, 'release_at': t.release_ts,
                'fix_at': x.fix_ts})::VARCHAR AS facts
FROM cand c JOIN fit f USING (episode_id) LEFT JOIN trig t USING (episode_id) LEFT JOIN fix x USING (episode_id)
WHERE f.at_timeout > 0
