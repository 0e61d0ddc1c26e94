-- ---
-- id: release-cut
-- title: A proxy release that cut the WebSockets it carried
-- query: ws1006-after-proxy-release
-- explains: [release-cut, transport]
-- contradicts: [upstream-down]
-- triggers: >
--   A release of one proxy (a reload notice, `docker exec … reload`, `kill -s HUP|USR2` to its container, a new worker
--   pid, a container restart); its cause is the config commit it applied when there is one, else the release itself.
-- lag: >
--   Caddy 2.6 cuts at the reload; nginx when the old worker exits (reload + worker_shutdown_timeout); HAProxy at
--   hard-stop-after. Contradicted when sessions that spanned the release survived its drain.
-- paths: the released proxy only.
-- remediation: >
--   Reload the proxy at a quiet time, or give old sessions a drain long enough to finish (nginx `worker_shutdown_timeout`, HAProxy `hard-stop-after`; Caddy 2.6 has no `stream_close_delay`: every config change cuts every WebSocket, so batch them).
-- ---
WITH rel AS (
  SELECT e.episode_id, e.path, e.start_ts, e.end_ts, e.symptoms, r.change_id, r.ts AS release_ts, coalesce(r.seconds, 0) AS drain_s, r.component, r.detail
  FROM episodes e JOIN candidate_changes r ON r.kind = 'release' AND r.component = e.path
   AND r.ts <= e.end_ts AND r.ts >= e.start_ts - INTERVAL 10 MINUTE
  WHERE e.family = 'transport'
), cut AS (
  -- symptoms at each release's cut instant (release + drain, or the drain the proxy logged)
  SELECT r.episode_id, r.change_id, count(*) AS n, min(s.ts) AS first_cut, count(DISTINCT s.client_key) AS clients
  FROM rel r JOIN symptoms s ON s.episode_id = r.episode_id
   AND s.ts BETWEEN r.release_ts + to_seconds(r.drain_s) - INTERVAL 2 SECOND AND r.release_ts + to_seconds(r.drain_s) + INTERVAL 3 SECOND
  GROUP BY ALL
), survived AS (
  -- sessions that spanned the release and went on well past its drain
  SELECT r.episode_id, r.change_id, count(*) AS n
  FROM rel r JOIN proxy_requests p ON p.proxy = r.component AND (p.is_websocket OR lower(coalesce(p.upgrade, '')) = 'websocket')
   AND p.started_at < r.release_ts AND p.ts > r.release_ts + to_seconds(r.drain_s) + INTERVAL 10 SECOND
  GROUP BY ALL
), per_episode AS (
  SELECT r.episode_id, arg_min(r.change_id, r.release_ts) AS trigger_id, min(r.release_ts) AS release_ts, arg_min(r.drain_s, r.release_ts) AS drain_s,
         any_value(r.component) AS component, any_value(r.path) AS path, any_value(r.start_ts) AS start_ts, any_value(r.end_ts) AS end_ts,
         any_value(r.symptoms) AS symptoms, sum(c.n)::INTEGER AS cut, count(c.change_id) AS releases, sum(coalesce(v.n, 0))::INTEGER AS survived,
         arg_min(c.first_cut, r.release_ts) AS first_cut
  FROM rel r JOIN cut c USING (episode_id, change_id) LEFT JOIN survived v USING (episode_id, change_id)
  GROUP BY r.episode_id
), applied AS (
  -- the config change the first release applied: the latest commit of that proxy's config before it
  SELECT p.episode_id, arg_max(c.change_id, (c.ts, c.change_id)) AS change_id, arg_max(c.commit_sha, (c.ts, c.change_id)) AS sha, arg_max(coalesce(c.key, c.path), (c.ts, c.change_id)) AS what
  FROM per_episode p JOIN candidate_changes c ON c.kind IN ('config', 'file') AND c.component = p.component AND c.ts <= p.release_ts
   AND c.ts >= p.release_ts - INTERVAL 7 DAY
  GROUP BY p.episode_id
)
SELECT p.episode_id, coalesce(a.change_id, p.trigger_id) AS change_id, p.trigger_id, NULL AS fix_id,
       p.cut AS explained,
       CASE WHEN a.change_id IS NOT NULL THEN 0.7 ELSE 0.4 END AS key_match,
       1.0 AS path_match,
       CASE WHEN p.survived > p.cut THEN 0.1
            WHEN abs(epoch(p.first_cut) - epoch(p.release_ts) - p.drain_s) <= 3 THEN 1.0 ELSE 0.5 END AS lag_fit,
       false AS planned,
       round(epoch(p.first_cut) - epoch(p.release_ts), 1) AS lag_s,
       format('{} WebSocket session(s) through {} were cut by {} release(s), the first at {}{}{}', p.cut, p.component, p.releases,
              strftime(p.release_ts, '%H:%M:%S'), CASE WHEN p.drain_s > 0 THEN format(' (after its {} s drain)', round(p.drain_s)::BIGINT) ELSE ' (at once)' END,
              CASE WHEN a.sha IS NOT NULL THEN format(', applying commit {} ({})', a.sha[1:7], a.what) ELSE '' END) AS headline,
       format('{} of {} dropped sessions ended at a {} release{}', p.cut, p.symptoms, p.component,
              CASE WHEN p.survived > 0 THEN format('; {} session(s) spanning a release survived it', p.survived) ELSE '' END) AS why,
       CASE WHEN a.change_id IS NULL THEN format('no config change of {} before the release is in the evidence: the release itself is named', p.component) END AS missing,
       to_json({'releases': p.releases, 'cut': p.cut, 'survived': p.survived, 'drain_s': p.drain_s, 'release_at': p.release_ts})::VARCHAR AS facts
FROM per_episode p LEFT JOIN applied a USING (episode_id)
