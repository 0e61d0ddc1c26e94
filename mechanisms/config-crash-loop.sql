-- ---
-- id: config-crash-loop
-- title: An invalid gateway config that makes every start fail
-- query: restart-flaps
-- explains: [config-fatal, upstream-down, transport, restart-notice]
-- contradicts: []
-- triggers: >
--   The last change of the key the gateway names in `Gateway failed to start: Invalid config …` (or in `config reload
--   skipped (invalid config): <key>: …`); without a named key, the last change of openclaw.json before the first failed start.
-- lag: >
--   A hot reload of the invalid file is skipped and the gateway serves on; the next restart (planned or not) fails
--   with exit 78, and the restart policy loops (restart-loop breaker from the third unclean boot) until the key is fixed.
-- paths: every path (502/503 through proxies, refused direct connections).
-- impact: path
-- remediation: >
--   Validate openclaw.json before committing it (`openclaw doctor`), fix the key the gateway names, and watch for `config reload skipped (invalid config)`: it is the only warning before the next restart fails.
-- ---
WITH starts AS (
  SELECT min(ts) FILTER (WHERE action = 'fatal-start') AS first_fatal, max(ts) FILTER (WHERE action = 'fatal-start') AS last_fatal,
         arg_min(key, ts) FILTER (WHERE key IS NOT NULL) AS named_key
  FROM candidate_changes WHERE kind = 'gateway' AND action IN ('fatal-start', 'reload-skipped')
), cause AS (
  -- the last change of the named key (or of openclaw.json) before the first failed start
  SELECT arg_max(c.change_id, (c.ts, c.change_id)) AS change_id, arg_max(c.key, (c.ts, c.change_id)) AS key, arg_max(c.commit_sha, (c.ts, c.change_id)) AS sha, max(c.ts) AS ts,
         bool_or(c.key = s.named_key) AS key_named
  FROM starts s JOIN candidate_changes c ON c.kind = 'config' AND c.component = 'gateway' AND c.ts <= s.first_fatal
   AND (c.key = s.named_key OR s.named_key IS NULL OR starts_with(s.named_key, c.key) OR starts_with(c.key, s.named_key))
  WHERE s.first_fatal IS NOT NULL
), trig AS (
  -- what loaded it: the gateway's stop or restart between the change and the first failed start
  SELECT arg_min(d.change_id, (d.ts, d.change_id)) AS trigger_id, min(d.ts) AS ts
  FROM cause c, starts s, candidate_changes d
  WHERE d.kind = 'container' AND is_gateway_service(d.component) AND d.action IN ('kill', 'stop', 'die', 'restart') AND d.ts > c.ts AND d.ts <= s.first_fatal
), fix AS (
  SELECT arg_min(f.change_id, (f.ts, f.change_id)) AS fix_id, min(f.ts) AS ts
  FROM cause c, starts s, candidate_changes f
  WHERE f.kind = 'config' AND f.component = 'gateway' AND f.key = c.key AND f.ts > s.first_fatal
), span AS (
  SELECT coalesce(t.ts, s.first_fatal - INTERVAL 30 SECOND) AS from_ts, s.last_fatal + INTERVAL 90 SECOND AS to_ts FROM starts s, trig t
)
SELECT e.episode_id, c.change_id, t.trigger_id, x.fix_id, e.symptoms AS explained,
       CASE WHEN c.key_named THEN 1.0 ELSE 0.5 END AS key_match, 1.0 AS path_match,
       CASE WHEN e.start_ts BETWEEN sp.from_ts - INTERVAL 5 SECOND AND sp.to_ts THEN 1.0 ELSE 0.3 END AS lag_fit,
       false AS planned, round(epoch(s.first_fatal) - epoch(c.ts), 1) AS lag_s,
       format('The gateway could not start for {} because {} made openclaw.json invalid at {}{}',
              human_duration(epoch(s.last_fatal) - epoch(s.first_fatal) + 30), coalesce('commit ' || c.sha[1:7], 'a change'), c.key,
              CASE WHEN t.trigger_id IS NOT NULL THEN format(' (loaded by the restart at {})', strftime(t.ts, '%H:%M:%S')) ELSE '' END) AS headline,
       format('the gateway named {} in its failed starts', coalesce(s.named_key, 'no key')) AS why,
       CASE WHEN s.named_key IS NULL THEN 'the gateway''s error names no key (its continuation lines are missing): concluded from the last openclaw.json change before the first failed start' END AS missing,
       to_json({'first_failed_start': s.first_fatal, 'last_failed_start': s.last_fatal, 'named_key': s.named_key})::VARCHAR AS facts
FROM episodes e, starts s, cause c, trig t, fix x, span sp
WHERE c.change_id IS NOT NULL AND e.family IN ('config-fatal', 'upstream-down', 'transport', 'restart-notice')
  AND e.start_ts BETWEEN sp.from_ts - INTERVAL 5 SECOND AND sp.to_ts
