-- ---
-- id: split-brain-versions
-- title: Config written by a newer OpenClaw; CLI and gateway on different versions
-- severity: medium
-- group: config
-- remediation: >
--   Pin the CLI and gateway containers to the same image tag.
-- sarif: true
-- answers: >
--   Does meta.lastTouchedVersion of openclaw.json run ahead of the gateway image that reads it (the gateway's own
--   "Config was last written by a newer OpenClaw" warnings), and do the CLI and gateway containers run different
--   image versions?
-- params: {}
-- needs: [config_values, containers, gateway_events]
-- ---
WITH ver AS (
  SELECT *, list_transform(string_split(regexp_extract(v, '^(\d+\.\d+\.\d+)', 1), '.'), lambda x: TRY_CAST(x AS INTEGER)) AS parts
  FROM (SELECT service, container_id, image, regexp_extract(image, ':v?(\d{4}\.\d+\.\d+(?:-[\w.]+)?)$', 1) AS v, snapshot_at, source_id, line_no
        FROM containers WHERE image ILIKE '%openclaw%')
  WHERE v <> ''
), latest_img AS (
  SELECT service, arg_max(v, snapshot_at) AS v, arg_max(parts, snapshot_at) AS parts, arg_max(source_id, snapshot_at) AS source_id, arg_max(line_no, snapshot_at) AS line_no
  FROM ver GROUP BY service
), touched AS (
  SELECT value AS v, list_transform(string_split(regexp_extract(value, '^(\d+\.\d+\.\d+)', 1), '.'), lambda x: TRY_CAST(x AS INTEGER)) AS parts,
         valid_from, commit_sha, path, source_id, line_no
  FROM config_values WHERE surface = 'openclaw.json' AND key = 'meta.lastTouchedVersion' AND regexp_matches(value, '^\d+\.\d+\.\d+')
), ahead AS (
  SELECT t.v AS touched, g.v AS running, t.valid_from, t.commit_sha, t.path, t.source_id AS t_src, t.line_no AS t_line, g.source_id AS g_src, g.line_no AS g_line
  FROM touched t JOIN latest_img g ON regexp_matches(g.service, '(?i)gateway') AND t.parts > g.parts
  QUALIFY row_number() OVER (ORDER BY t.parts DESC, t.valid_from DESC) = 1
), warnings AS (
  SELECT count(*) AS n, min(ts) AS first_ts, max(ts) AS last_ts, list_sort(list(DISTINCT version)) AS versions,
         list({'source_id': source_id, 'line': line_no, 'note': 'newer-config warning'} ORDER BY ts, source_id, line_no)[1:5] AS ev
  FROM gateway_events WHERE event = 'config-from-newer-version'
), cli_gw AS (
  SELECT c.v AS cli_v, g.v AS gw_v, c.source_id AS c_src, c.line_no AS c_line, g.source_id AS g_src, g.line_no AS g_line
  FROM latest_img c JOIN latest_img g ON regexp_matches(c.service, '(?i)cli') AND regexp_matches(g.service, '(?i)gateway') AND c.v <> g.v
)
SELECT 'medium' AS severity, valid_from AS start_ts, NULL AS end_ts,
       format('openclaw.json was last written by OpenClaw {} but the gateway image runs {}: a newer CLI or a downgrade wrote the config', touched, running) AS statement,
       0.85 AS confidence,
       to_json([{'sha': commit_sha, 'path': path, 'source_id': t_src, 'line': t_line, 'note': 'meta.lastTouchedVersion'},
                {'source_id': g_src, 'line': g_line, 'note': 'gateway image'}])::VARCHAR AS evidence
FROM ahead
UNION ALL
SELECT 'medium', first_ts, last_ts,
       format('The gateway warned {} time(s) that its config was written by a newer OpenClaw ({})', n, array_to_string(versions, ', ')),
       0.9, to_json(ev)::VARCHAR
FROM warnings WHERE n > 0
UNION ALL
SELECT 'low', NULL, NULL, format('CLI container runs {} while the gateway runs {}', cli_v, gw_v), 0.9,
       to_json([{'source_id': c_src, 'line': c_line, 'note': 'cli image'}, {'source_id': g_src, 'line': g_line, 'note': 'gateway image'}])::VARCHAR
FROM cli_gw
