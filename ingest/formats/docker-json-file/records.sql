-- docker json-file driver: {"log":"…\n","stream":"stdout","time":"<RFC3339Nano>"} per line. x = [log, stream, time].
CREATE OR REPLACE TEMP TABLE jf AS
SELECT rowid - {{rowbase}} AS line_no,
       CASE WHEN left(line, 1) = '{' AND json_valid(line) THEN json_extract_string(line, ['$.log', '$.stream', '$.time']) END AS x
FROM raw_lines;
