-- docker json-file, no partial record in the file (the common case): one record per line, read where they lie (a view,
-- so nothing is copied).
DROP TABLE payloads;
CREATE OR REPLACE TEMP VIEW payloads AS
SELECT line_no, 1 AS line_count, time AS daemon_ts_text, {{container}}::VARCHAR AS container, stream, rtrim(log, chr(13) || chr(10)) AS payload
FROM jf WHERE log IS NOT NULL;
