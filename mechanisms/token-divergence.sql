-- ---
-- id: token-divergence
-- title: The token the gateway enforces differs from the one its clients send
-- query: token-divergence
-- explains: [token, handshake-refused, transport]
-- contradicts: []
-- triggers: >
--   A change of a token surface — gateway.auth.token or gateway.remote.token in openclaw.json, OPENCLAW_GATEWAY_TOKEN
--   in .env, in compose or in a container's environment — that leaves the effective server token (config first,
--   else the gateway container's env) different from another surface clients use; applied by a hot reload or a recreate.
-- lag: >
--   Live shared-token sessions get 4001 within a second of a hot reload (or 1012 on a recreate); every reconnect with
--   the old token is refused 1008 token mismatch until the surfaces agree again. A rotation is planned work when it
--   changed every surface in one commit, or when the rejections ended by themselves within 5 minutes (users took the
--   new token) with no fix change.
-- paths: every path of the clients holding the other token.
-- remediation: >
--   Keep one token source: change gateway.auth.token and OPENCLAW_GATEWAY_TOKEN (.env, every container that reads it) in one commit and recreate every container that holds it; give remote clients gateway.remote.token.
-- ---
WITH tok AS (
  SELECT * FROM candidate_changes
  WHERE kind = 'config' AND (key IN ('gateway.auth.token', 'gateway.remote.token', 'OPENCLAW_GATEWAY_TOKEN') OR key LIKE '%.OPENCLAW_GATEWAY_TOKEN')
), cand AS (
  SELECT e.episode_id, e.start_ts, e.end_ts, e.symptoms, t.change_id, t.ts AS change_ts, t.key, t.component, t.commit_sha, t.old_value, t.new_value
  FROM episodes e JOIN tok t ON t.ts <= e.start_ts + INTERVAL 2 SECOND AND t.ts >= e.start_ts - INTERVAL 1 DAY
  -- handshakes a proxy saw refused count when the gateway's own lines are missing (its container's logs lost)
  WHERE e.family = 'token' OR (e.family = 'handshake-refused' AND t.ts >= e.start_ts - INTERVAL 10 MINUTE)
     -- the shared-token sessions a hot reload of gateway.auth.token closed at once (4001), as the proxies saw them
     OR (e.family = 'transport' AND t.key = 'gateway.auth.token' AND e.start_ts BETWEEN t.ts AND t.ts + INTERVAL 5 SECOND)
  QUALIFY row_number() OVER (PARTITION BY e.episode_id ORDER BY t.ts DESC, t.key) = 1
), same_commit AS (
  -- a rotation done the right way changes every token surface in one commit
  SELECT c.episode_id, count(DISTINCT t.component) AS surfaces_changed,
         (SELECT count(DISTINCT component) FROM tok) AS surfaces_known
  FROM cand c JOIN tok t ON t.commit_sha = c.commit_sha GROUP BY c.episode_id
), applied AS (
  -- what put it into effect: a hot reload naming the key, or a recreate/start of a container between the change and the episode
  SELECT c.episode_id, arg_min(a.change_id, (a.ts, a.change_id)) AS trigger_id
  FROM cand c JOIN candidate_changes a ON a.ts >= c.change_ts AND a.ts <= c.start_ts + INTERVAL 2 SECOND
   AND ((a.kind = 'gateway' AND a.action IN ('reload-detected', 'reload-applied', 'restart-required') AND contains(coalesce(a.key, ''), 'token'))
        OR (a.kind = 'container' AND a.action IN ('recreate', 'create', 'start')))
  GROUP BY c.episode_id
), fix AS (
  -- what ended it: a later token change, or the recreate of the containers still holding the old token
  SELECT c.episode_id, arg_min(f.change_id, (f.ts, f.change_id)) AS fix_id
  FROM cand c JOIN candidate_changes f ON f.ts > c.change_ts AND f.ts <= c.end_ts + INTERVAL 10 MINUTE AND f.change_id <> c.change_id
   AND ((f.change_id IN (SELECT change_id FROM tok) AND NOT (f.commit_sha IS NOT DISTINCT FROM c.commit_sha))
        OR (f.kind = 'container' AND f.action IN ('recreate', 'create') AND f.ts > c.start_ts AND f.ts <= c.end_ts + INTERVAL 1 MINUTE))
  GROUP BY c.episode_id
), surfaces AS (
  -- what every token surface held when the rejections began (shapes only: hex48, hex64, template, …)
  SELECT episode_id, string_agg(token_surface || ' ' || coalesce(shape, '?'), ', ' ORDER BY token_surface) AS held
  FROM (SELECT c.episode_id, v.token_surface, arg_max(v.secret_shape, v.valid_from) AS shape
        FROM cand c JOIN token_surface_values v ON v.valid_from <= c.start_ts GROUP BY ALL)
  GROUP BY episode_id
), clients AS (
  SELECT c.episode_id, count(DISTINCT s.client_key) AS n, count(*) FILTER (WHERE s.code = 4001) AS auth_changed
  FROM cand c JOIN symptoms s ON s.episode_id = c.episode_id GROUP BY c.episode_id
)
SELECT c.episode_id, c.change_id, a.trigger_id, x.fix_id,
       CASE WHEN e.family = 'transport' THEN (SELECT count(*) FROM symptoms s WHERE s.episode_id = c.episode_id AND s.ts <= c.change_ts + INTERVAL 5 SECOND)
            ELSE c.symptoms END::INTEGER AS explained, 1.0 AS key_match, 1.0 AS path_match,
       CASE WHEN epoch(c.start_ts) - epoch(c.change_ts) <= 300 THEN 1.0 ELSE 0.6 END AS lag_fit,
       (sc.surfaces_changed >= greatest(sc.surfaces_known, 2) OR (x.fix_id IS NULL AND epoch(c.end_ts) - epoch(c.change_ts) <= 300)) AS planned,
       round(epoch(c.start_ts) - epoch(c.change_ts), 1) AS lag_s,
       CASE WHEN sc.surfaces_changed >= greatest(sc.surfaces_known, 2) OR (x.fix_id IS NULL AND epoch(c.end_ts) - epoch(c.change_ts) <= 300)
            THEN format('Token rotation by {} ({}{}): {} client(s) reconnected through 4001/1008 within {}',
                        coalesce('commit ' || c.commit_sha[1:7], 'a change'), c.key,
                        CASE WHEN sc.surfaces_changed >= greatest(sc.surfaces_known, 2) THEN ' in every surface at once' ELSE ', the clients took the new token themselves' END,
                        k.n, human_duration(epoch(c.end_ts) - epoch(c.change_ts)))
            ELSE format('{} refused with a token mismatch for {} after {} changed {} in {} only: the gateway enforces a token its clients do not send',
                        count_words(k.n, 'client') || CASE WHEN k.n = 1 THEN ' was' ELSE ' were' END, human_duration(epoch(c.end_ts) - epoch(c.start_ts)),
                        coalesce('commit ' || c.commit_sha[1:7], 'a change'), c.key,
                        CASE c.component WHEN 'gateway' THEN 'openclaw.json' WHEN 'env' THEN '.env' ELSE c.component END) END AS headline,
       format('{} refused (token mismatch){}{}', count_words(c.symptoms, 'connect'),
              CASE WHEN k.auth_changed > 0 THEN format(' ({} × 4001 gateway auth changed)', k.auth_changed) ELSE '' END,
              coalesce(format('; the token surfaces then: {}', h.held), '')) AS why,
       CASE WHEN e.family = 'handshake-refused' THEN format('the gateway''s lines of these refusals are not in the evidence (its container''s logs lost with a recreate?): concluded from {} handshake(s) that {} closed right away after the token change', c.symptoms, e.path) END AS missing,
       to_json({'key': c.key, 'surface': c.component, 'surfaces_then': h.held, 'surfaces_changed': sc.surfaces_changed,
                'surfaces_known': sc.surfaces_known})::VARCHAR AS facts
FROM cand c JOIN episodes e USING (episode_id) JOIN same_commit sc USING (episode_id) JOIN clients k USING (episode_id) LEFT JOIN surfaces h USING (episode_id) LEFT JOIN applied a USING (episode_id) LEFT JOIN fix x USING (episode_id)
