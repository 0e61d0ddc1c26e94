-- docker json-file driver: {"log":"…\n","stream":"stdout","time":"<RFC3339Nano>"} per line. x = [log, stream, time].
CREATE OR REPLACE TEMP TABLE jf AS
SELECT rowid - {{rowbase}} AS line_no,
       CASE WHEN left(line, 1) = '{' AND json_valid(line) THEN json_extract_string(line, ['$.log', '$.stream', '$.time']) END AS x
FROM raw_lines;
INSERT INTO rejects
SELECT {{source_id}}, jf.line_no,
       CASE WHEN jf.x IS NULL THEN 'not a JSON record (json-file line cut or corrupt)' ELSE 'JSON record without a "log" field' END,
       reject_raw(r.line)
FROM jf POSITIONAL JOIN raw_lines r
WHERE (jf.x IS NULL OR jf.x[1] IS NULL) AND r.line IS NOT NULL;
DROP TABLE raw_lines;
