-- A file with no envelope: its lines are the payloads (a view, so nothing is copied).
CREATE OR REPLACE TEMP VIEW payloads AS
SELECT rowid - {{rowbase}} AS line_no, 1 AS line_count, NULL::VARCHAR AS daemon_ts_text, {{container}}::VARCHAR AS container,
       NULL::VARCHAR AS stream, line AS payload
FROM raw_lines;
