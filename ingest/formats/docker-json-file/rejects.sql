-- docker json-file lines that are not records: back to their raw text by position (jf was built from raw_lines in order).
INSERT INTO rejects
SELECT {{source_id}}, jf.line_no,
       CASE WHEN jf.not_json THEN 'not a JSON record (json-file line cut or corrupt)' ELSE 'JSON record without a "log" field' END,
       reject_raw(r.line)
FROM jf POSITIONAL JOIN raw_lines r
WHERE jf.bad;
