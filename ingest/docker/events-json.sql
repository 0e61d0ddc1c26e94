-- `docker events --format '{{json .}}'`: Type/Action/Actor.ID/Actor.Attributes/time/timeNano (Engine ≥ 29), plus the
-- deprecated status/id/from of older engines. The action's ": detail" suffix (exec_start, health_status) is split.
CREATE OR REPLACE TEMP TABLE de AS
SELECT rowid - {{rowbase}} AS line_no, line, TRY_CAST(line AS JSON) AS j, coalesce(left(line, 1) = '{' AND TRY_CAST(line AS JSON) IS NOT NULL, false) AS ok FROM raw_lines;
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a JSON event', reject_raw(line) FROM de WHERE NOT ok AND line IS NOT NULL;
INSERT INTO docker_events
SELECT {{source_id}}, line_no, make_timestamptz(nanos // 1000), nanos,
       coalesce(j->>'$.Type', CASE WHEN j->>'$.status' IS NOT NULL THEN 'container' END),
       split_part(act, ': ', 1), nullif(substr(act, length(split_part(act, ': ', 1)) + 3), ''),
       coalesce(j->>'$.Actor.ID', j->>'$.id'),
       j->>'$.Actor.Attributes.name', coalesce(j->>'$.Actor.Attributes.image', j->>'$.from'),
       j->>'$.Actor.Attributes."com.docker.compose.project"', j->>'$.Actor.Attributes."com.docker.compose.service"',
       TRY_CAST(j->>'$.Actor.Attributes."com.docker.compose.container-number"' AS INTEGER),
       TRY_CAST(j->>'$.Actor.Attributes.exitCode' AS INTEGER), j->>'$.Actor.Attributes.signal',
       j->>'$.Actor.Attributes."com.docker.compose.replace"', j->>'$.Actor.Attributes."com.docker.compose.config-hash"',
       redact(CAST(j->'$.Actor.Attributes' AS VARCHAR))
FROM (SELECT line_no, line, j, coalesce(j->>'$.Action', j->>'$.status') AS act,
             coalesce(TRY_CAST(j->>'$.timeNano' AS BIGINT), TRY_CAST(j->>'$.time' AS BIGINT) * 1000000000) AS nanos
      FROM de WHERE ok)
WHERE nanos IS NOT NULL;
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'JSON event without time/timeNano', reject_raw(line) FROM de
WHERE ok AND coalesce(TRY_CAST(j->>'$.timeNano' AS BIGINT), TRY_CAST(j->>'$.time' AS BIGINT)) IS NULL;
