-- ---
-- id: token-divergence
-- title: Gateway token divergence and the change behind it
-- severity: high
-- group: cause
-- remediation: >
--   Keep one token source: let `gateway.auth.token` in openclaw.json be the only gateway token (remove `OPENCLAW_GATEWAY_TOKEN` from `.env`, or generate `.env` from it), and give remote clients `gateway.remote.token`.
-- sarif: true
-- answers: >
--   For each episode of token rejections (token_mismatch, 1008 token mismatch, 4001 gateway auth changed), the token
--   surface change behind it (gateway.auth.token / gateway.remote.token in openclaw.json, OPENCLAW_GATEWAY_TOKEN in
--   .env, compose or a container's environment: mechanisms/token-divergence.sql), what applied it (a hot reload, a
--   recreate), the clients hit, the change that ended it, and whether it was a planned rotation (every surface in one
--   commit) or a divergence. Divergences of the surfaces that no client was refused for (yet) are listed as latent
--   (low), with the commits that opened and closed them.
-- needs: [config_values, gateway_events]
-- ---
SELECT * EXCLUDE (query_id) FROM attributed_causes WHERE query_id = 'token-divergence'
UNION ALL BY NAME
SELECT * FROM (
WITH v AS (SELECT * FROM token_surface_values),
points AS (SELECT DISTINCT valid_from AS t FROM v),
latest AS (
  SELECT p.t, v.token_surface, arg_max(v.fp, v.valid_from) AS fp, arg_max(v.secret_shape, v.valid_from) AS shape, max(v.valid_from) AS since
  FROM points p JOIN v ON v.valid_from <= p.t GROUP BY p.t, v.token_surface
), state AS (
  SELECT t,
         max(fp) FILTER (WHERE token_surface = 'config:gateway.auth.token') AS server_fp,
         max(shape) FILTER (WHERE token_surface = 'config:gateway.auth.token') AS server_shape,
         max(fp) FILTER (WHERE token_surface = 'config:gateway.remote.token') AS remote_fp,
         coalesce(arg_max(fp, since) FILTER (WHERE token_surface LIKE 'container:%cli%' AND fp IS NOT NULL),
                  max(fp) FILTER (WHERE token_surface = 'env-file:OPENCLAW_GATEWAY_TOKEN')) AS env_fp,
         coalesce(arg_max(shape, since) FILTER (WHERE token_surface LIKE 'container:%cli%' AND fp IS NOT NULL),
                  max(shape) FILTER (WHERE token_surface = 'env-file:OPENCLAW_GATEWAY_TOKEN')) AS env_shape
  FROM latest GROUP BY t
), flagged AS (
  SELECT *, (server_fp IS NOT NULL AND env_fp IS NOT NULL AND server_fp <> env_fp) AS env_diverges,
            (server_fp IS NOT NULL AND remote_fp IS NOT NULL AND server_fp <> remote_fp) AS remote_diverges
  FROM state
), edges AS (
  SELECT *, CASE WHEN (env_diverges OR remote_diverges) IS DISTINCT FROM lag(env_diverges OR remote_diverges) OVER (ORDER BY t) THEN 1 ELSE 0 END AS edge
  FROM flagged
), runs AS (
  SELECT *, sum(edge) OVER (ORDER BY t) AS run FROM edges
), intervals AS (
  SELECT run, min(t) AS start_ts, bool_or(env_diverges) AS env_div, bool_or(remote_diverges) AS remote_div,
         arg_min(server_shape, t) AS server_shape, arg_min(env_shape, t) AS env_shape
  FROM runs WHERE env_diverges OR remote_diverges GROUP BY run
), bounded AS (
  SELECT i.*, (SELECT min(r.t) FROM runs r WHERE r.run = i.run + 1) AS end_ts FROM intervals i
), opener AS (
  SELECT b.run, arg_min(v.commit_sha, v.commit_sha IS NULL) AS sha, arg_min(v.path, v.commit_sha IS NULL) AS path,
         arg_min(v.source_id, v.commit_sha IS NULL) AS source_id, arg_min(v.line_no, v.commit_sha IS NULL) AS line_no,
         arg_min(v.token_surface, v.commit_sha IS NULL) AS surface
  FROM bounded b JOIN v ON v.valid_from = b.start_ts GROUP BY b.run
), closer_change AS (
  SELECT b.run, arg_min(v.token_surface, v.commit_sha IS NULL) AS surface, arg_min(v.path, v.commit_sha IS NULL) AS path
  FROM bounded b JOIN v ON v.valid_from = b.end_ts GROUP BY b.run
), closer_commit AS (
  -- the last commit that changed a token surface inside the interval, before the change that ended it
  SELECT b.run, arg_max(v.commit_sha, v.valid_from) AS sha, arg_max(v.path, v.valid_from) AS path
  FROM bounded b JOIN v ON v.commit_sha IS NOT NULL AND v.valid_from > b.start_ts AND v.valid_from <= b.end_ts GROUP BY b.run
), latent AS (
  -- divergences no client was refused for (yet): the surfaces disagree, nothing was rejected inside the interval
  SELECT b.* FROM bounded b
  WHERE NOT EXISTS (SELECT 1 FROM attributed_causes a WHERE a.mechanism = 'token-divergence' AND a.start_ts < coalesce(b.end_ts, a.start_ts + INTERVAL 1 SECOND)
                      AND coalesce(a.end_ts, a.start_ts) >= b.start_ts)
    AND NOT EXISTS (SELECT 1 FROM symptoms s WHERE s.family = 'token' AND s.ts >= b.start_ts AND (b.end_ts IS NULL OR s.ts < b.end_ts))
)
SELECT 'low' AS severity, b.start_ts, b.end_ts,
       format('Token surfaces diverge from {} to {} with no rejection seen (latent): {}; opened by {}{}',
         strftime(b.start_ts, '%Y-%m-%d %H:%M:%S'), coalesce(strftime(b.end_ts, '%Y-%m-%d %H:%M:%S'), 'the end of the evidence'),
         CASE WHEN b.env_div THEN format('gateway.auth.token ({}) ≠ OPENCLAW_GATEWAY_TOKEN ({}): the gateway enforces the config value, local CLI clients send the env value', b.server_shape, b.env_shape)
              ELSE 'gateway.remote.token ≠ gateway.auth.token: remote-mode clients send the wrong token' END,
         CASE WHEN o.sha IS NOT NULL THEN format('commit {} "{}" by {} ({})', o.sha[1:12], oc.subject, oc.author, o.path) ELSE coalesce(o.surface || ' in ' || o.path, '?') END,
         CASE WHEN cl.sha IS NOT NULL THEN format('; closed after commit {} "{}" by {}', cl.sha[1:12], clc.subject, clc.author) ELSE '' END) AS statement,
       0.7 AS confidence,
       to_json(list_concat(
         CASE WHEN o.sha IS NOT NULL THEN [{'sha': o.sha, 'path': o.path, 'note': 'opened the divergence'}] ELSE [{'source_id': o.source_id, 'line': o.line_no, 'note': 'opened the divergence'}] END,
         CASE WHEN cl.sha IS NOT NULL THEN [{'sha': cl.sha, 'path': cl.path, 'note': 'closed the divergence'}] ELSE [] END))::VARCHAR AS evidence,
       'latent' AS explanation, o.sha AS commit_sha, cl.sha AS closed_by_commit
FROM latent b
LEFT JOIN opener o USING (run) LEFT JOIN commits oc ON oc.sha = o.sha
LEFT JOIN closer_commit cl USING (run) LEFT JOIN commits clc ON clc.sha = cl.sha
)
ORDER BY start_ts
