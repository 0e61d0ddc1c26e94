-- docker json-file, no partial record in the file (the common case): one record per line.
INSERT INTO payloads
SELECT line_no, 1, x[3], {{container}}, x[2], rtrim(x[1], chr(13) || chr(10)) FROM jf WHERE x[1] IS NOT NULL;
DROP TABLE jf;
