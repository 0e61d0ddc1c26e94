-- ---
-- id: token-divergence
-- title: Gateway token divergence and the commits behind it
-- severity: high
-- group: cause
-- remediation: >
--   Keep one token source: let `gateway.auth.token` in openclaw.json be the only gateway token (remove `OPENCLAW_GATEWAY_TOKEN` from `.env`, or generate `.env` from it), and give remote clients `gateway.remote.token`.
-- sarif: true
-- answers: >
--   In which intervals did the token surfaces disagree — openclaw.json gateway.auth.token (what the gateway
--   enforces: config-first) against OPENCLAW_GATEWAY_TOKEN as local-mode clients send it (env-first: the running
--   container's environment when a snapshot shows it, else .env), and gateway.remote.token (remote-mode clients)?
--   Which change opened each interval and which closed it (commit sha, author, time, subject, file), the
--   token_mismatch / 1008 / 4008 rejections inside it, and which clients were hit.
-- params:
--   grace_seconds: {default: 0, unit: seconds, description: rejections this long after the interval still count}
-- needs: [config_values]
-- impact_signals: [auth, policy]
-- ---
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
), rejections AS (
  SELECT b.run, count(*) AS n, min(g.ts) AS first_ts, max(g.ts) AS last_ts,
         list_sort(list_filter(list(DISTINCT coalesce(g.client, CASE WHEN g.event LIKE 'client%' THEN 'client log ' || coalesce(g.service, g.container, '?') END)),
                     lambda x: x IS NOT NULL)) AS clients,
         list({'source_id': g.source_id, 'line': g.line_no, 'note': g.event || coalesce(' ' || g.auth_reason, '')} ORDER BY g.ts, g.source_id, g.line_no)[1:8] AS ev
  FROM bounded b JOIN gateway_events g
    ON g.ts >= b.start_ts AND (b.end_ts IS NULL OR g.ts < b.end_ts + to_seconds(CAST($grace_seconds AS BIGINT)))
   AND (g.auth_reason = 'token_mismatch' OR (g.close_code IN (1008, 4008) AND contains(coalesce(g.close_reason, ''), 'gateway token mismatch')))
  GROUP BY b.run
)
SELECT CASE WHEN coalesce(r.n, 0) > 0 THEN 'high' ELSE 'medium' END AS severity,
       b.start_ts, b.end_ts,
       format('Token surfaces diverged from {} to {}: {}; opened by {}{}; {} rejection(s) (token_mismatch / 1008){}{}',
         strftime(b.start_ts, '%Y-%m-%d %H:%M:%S'), coalesce(strftime(b.end_ts, '%Y-%m-%d %H:%M:%S'), 'the end of the evidence'),
         CASE WHEN b.env_div THEN format('gateway.auth.token ({}) ≠ OPENCLAW_GATEWAY_TOKEN ({}): the gateway enforces the config value, local CLI clients send the env value', b.server_shape, b.env_shape)
              ELSE 'gateway.remote.token ≠ gateway.auth.token: remote-mode clients send the wrong token' END,
         CASE WHEN o.sha IS NOT NULL THEN format('commit {} "{}" by {} ({})', o.sha[1:12], oc.subject, oc.author, o.path) ELSE coalesce(o.surface || ' in ' || o.path, '?') END,
         CASE WHEN cl.sha IS NOT NULL THEN format('; closed after commit {} "{}" by {}', cl.sha[1:12], clc.subject, clc.author) ELSE '' END,
         coalesce(r.n, 0),
         CASE WHEN r.n > 0 THEN format(' from {} to {}', strftime(r.first_ts, '%H:%M:%S'), strftime(r.last_ts, '%H:%M:%S')) ELSE '' END,
         CASE WHEN len(r.clients) > 0 THEN '; clients hit: ' || array_to_string(r.clients, ', ') ELSE '' END) AS statement,
       CASE WHEN coalesce(r.n, 0) > 0 THEN 0.95 ELSE 0.7 END AS confidence,
       to_json(list_concat(
         CASE WHEN o.sha IS NOT NULL THEN [{'sha': o.sha, 'path': o.path, 'note': 'opened the divergence'}] ELSE [{'source_id': o.source_id, 'line': o.line_no, 'note': 'opened the divergence'}] END,
         CASE WHEN cl.sha IS NOT NULL THEN [{'sha': cl.sha, 'path': cl.path, 'note': 'closed the divergence'}] ELSE [] END,
         coalesce(r.ev, [])))::VARCHAR AS evidence,
       o.sha AS opened_by_commit, oc.author AS opened_by_author, oc.subject AS opened_by_subject, cl.sha AS closed_by_commit,
       cc.surface AS closed_by_surface, coalesce(r.n, 0)::INTEGER AS rejections, r.clients AS clients_hit,
       -- the explanation in plain words (case/finding.ts)
       CASE WHEN coalesce(r.n, 0) > 0 THEN format('{} were rejected {} times over {} after {} made {} differ',
              CASE WHEN b.env_div THEN 'Local CLI clients' ELSE 'Remote-mode clients' END, r.n, duration_words(greatest(epoch(r.last_ts) - epoch(r.first_ts), 1)),
              CASE WHEN o.sha IS NOT NULL THEN 'commit ' || o.sha[1:7] ELSE coalesce(o.path, 'a change') END,
              CASE WHEN b.env_div THEN 'OPENCLAW_GATEWAY_TOKEN and gateway.auth.token' ELSE 'gateway.remote.token and gateway.auth.token' END)
            ELSE format('The gateway token surfaces disagreed for {} (no rejection seen)', coalesce(duration_words(epoch(b.end_ts) - epoch(b.start_ts)), 'the rest of the evidence')) END AS headline,
       CASE WHEN b.env_div THEN 'The gateway checks every connect against gateway.auth.token from openclaw.json (config first), while local CLI clients send OPENCLAW_GATEWAY_TOKEN from their environment (env first); with the two different, each CLI connect fails with token_mismatch and a 1008 close.'
            ELSE 'Remote-mode clients send gateway.remote.token, which no longer matched the gateway.auth.token the gateway enforces: each connect fails with token_mismatch and a 1008 close.' END AS mechanism,
       CASE WHEN o.sha IS NOT NULL THEN format('commit {} "{}" by {} ({})', o.sha[1:7], oc.subject, oc.author, o.path)
            ELSE coalesce(o.surface || ' in ' || o.path, NULL) END AS trigger,
       CASE WHEN b.end_ts IS NOT NULL THEN {'statement': concat_ws('; ', CASE WHEN cl.sha IS NOT NULL THEN format('commit {} "{}" by {}', cl.sha[1:7], clc.subject, clc.author) END,
                                                          format('the token surfaces agree again from {}{}', strftime(b.end_ts, '%Y-%m-%d %H:%M:%S'), coalesce(' (' || cc.surface || ')', ''))),
                                            'at': strftime(b.end_ts, '%Y-%m-%dT%H:%M:%SZ'),
                                            'evidence': CASE WHEN cl.sha IS NOT NULL THEN [{'sha': cl.sha, 'path': cl.path, 'note': 'the fix'}] ELSE [] END} END AS fix
FROM bounded b
LEFT JOIN opener o USING (run) LEFT JOIN commits oc ON oc.sha = o.sha
LEFT JOIN closer_commit cl USING (run) LEFT JOIN commits clc ON clc.sha = cl.sha
LEFT JOIN closer_change cc USING (run) LEFT JOIN rejections r USING (run)
ORDER BY b.start_ts
