-- docker json-file driver: {"log":"…\n","stream":"stdout","time":"<RFC3339Nano>"} per line, from raw_lines (a file that
-- DuckDB's read_json could not take as one record per line: a cut or corrupt record, a blank line, a non-UTF-8 byte).
CREATE OR REPLACE TEMP TABLE jf AS
SELECT line_no, x[1] AS log, x[2] AS stream, x[3] AS time, line IS NOT NULL AND (x IS NULL OR x[1] IS NULL) AS bad, x IS NULL AS not_json
FROM (SELECT rowid - {{rowbase}} AS line_no, line,
             CASE WHEN left(line, 1) = '{' AND json_valid(line) THEN json_extract_string(line, ['$.log', '$.stream', '$.time']) END AS x
      FROM raw_lines);
