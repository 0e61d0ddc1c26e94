-- ---
-- id: security-shortcuts
-- title: Security shortcuts in the config and the commits that introduced them
-- severity: high
-- group: config
-- sarif: true
-- answers: >
--   Which shortcuts are (or were) on — TLS verification disabled (NODE_TLS_REJECT_UNAUTHORIZED=0),
--   controlUi.allowInsecureAuth, dangerouslyAllowHostHeaderOriginFallback, dangerouslyDisableDeviceAuth, auth mode
--   none, wildcard trusted proxies or origins — each with the commit (or file) that introduced it and whether it is
--   still in effect.
-- params: {}
-- needs: [config_values]
-- ---
-- what to do depends on the row: the remediation column
SELECT *, 'Turn the shortcut off: ' || split_part(statement, ':', 1) || '.' AS remediation
FROM (
WITH rules AS (
  SELECT * FROM (VALUES
    ('gateway.controlUi.allowInsecureAuth', 'true', 'medium', 'Control UI accepts insecure (non-HTTPS) auth'),
    ('gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback', 'true', 'medium', 'Control UI origin check falls back to the Host header'),
    ('gateway.controlUi.dangerouslyDisableDeviceAuth', 'true', 'high', 'device authentication is disabled'),
    ('gateway.auth.mode', 'none', 'critical', 'gateway auth mode is none: every connection is unauthenticated')
  ) t(key, bad, severity, what)
), hits AS (
  SELECT r.what, r.severity, c.* FROM config_changes c JOIN rules r ON c.key = r.key AND c.new_value = r.bad
  UNION ALL
  SELECT 'trusted proxies include a wildcard', 'high', c.* FROM config_changes c
  WHERE c.key = 'gateway.trustedProxies' AND regexp_matches(c.new_value, '"(\*|0\.0\.0\.0/0|::/0)"')
  UNION ALL
  SELECT 'allowed origins include a wildcard', 'medium', c.* FROM config_changes c
  WHERE c.key = 'gateway.controlUi.allowedOrigins' AND contains(c.new_value, '"*"')
  UNION ALL
  SELECT 'TLS certificate verification is disabled (NODE_TLS_REJECT_UNAUTHORIZED=0)', 'high', c.* FROM config_changes c
  WHERE regexp_matches(c.key, 'NODE_TLS_REJECT_UNAUTHORIZED$') AND c.new_value = '0'
), firsts AS (
  -- the change that introduced each shortcut, per surface and key
  SELECT * FROM hits QUALIFY row_number() OVER (PARTITION BY what, surface, key, regexp_replace(path, '#.*$', '') ORDER BY valid_from) = 1
), current AS (
  SELECT surface, key, regexp_replace(path, '#.*$', '') AS p, arg_max(new_value, valid_from) AS now_value FROM config_changes GROUP BY ALL
)
SELECT f.severity, f.valid_from AS start_ts, NULL AS end_ts,
       format('{}: {} = {} in {}{}{}', f.what, f.key, f.new_value, f.surface,
              CASE WHEN f.commit_sha IS NOT NULL THEN format(' since commit {} "{}" by {}', f.commit_sha[1:12], c.subject, c.author) ELSE format(' ({})', f.path) END,
              CASE WHEN cur.now_value = f.new_value THEN '; still in effect' ELSE '; no longer in effect' END) AS statement,
       0.95 AS confidence,
       to_json([{'sha': f.commit_sha, 'path': f.path, 'source_id': CASE WHEN f.commit_sha IS NULL THEN f.source_id END, 'line': f.line_no, 'note': f.key}])::VARCHAR AS evidence
FROM firsts f LEFT JOIN commits c ON c.sha = f.commit_sha
LEFT JOIN current cur ON cur.surface = f.surface AND cur.key = f.key AND cur.p = regexp_replace(f.path, '#.*$', '')
)
