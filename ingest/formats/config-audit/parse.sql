-- $STATE_DIR/logs/config-audit.jsonl: one record per config write/observe (writer argv, previous/next hash).
CREATE OR REPLACE TEMP TABLE ca AS
SELECT rowid - {{rowbase}} AS line_no, line, TRY_CAST(line AS JSON) AS j, coalesce(left(line, 1) = '{' AND TRY_CAST(line AS JSON) IS NOT NULL, false) AS ok FROM raw_lines;
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a JSON record', reject_raw(line) FROM ca WHERE NOT ok AND line IS NOT NULL;
INSERT INTO config_audit
SELECT {{source_id}}, line_no, TRY_CAST(j->>'$.ts' AS TIMESTAMPTZ), j->>'$.ts', j->>'$.event', j->>'$.result',
       coalesce(j->>'$.configPath', j->>'$.path'),
       redact(regexp_replace(coalesce(CAST(j->'$.argv' AS VARCHAR), ''), '("--(?:token|password)",")[^"]*"', '\1[REDACTED]"', 'g')),
       TRY_CAST(j->>'$.pid' AS INTEGER), j->>'$.previousHash', coalesce(j->>'$.nextHash', j->>'$.hash'),
       TRY_CAST(j->>'$.changedPathCount' AS INTEGER), CAST(j->'$.suspicious' AS VARCHAR)
FROM ca WHERE ok;
