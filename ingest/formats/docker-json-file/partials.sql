-- docker json-file with records over 16 KiB: they are split, only the last piece ends in \n, so each piece is
-- joined to the following ones up to the piece that ends the line.
CREATE OR REPLACE TEMP TABLE jf_grp AS
SELECT *, sum(CASE WHEN prev_complete THEN 1 ELSE 0 END) OVER (ORDER BY line_no) AS grp
FROM (SELECT line_no, log, stream, time, coalesce(lag(ends_with(log, chr(10))) OVER (ORDER BY line_no), true) AS prev_complete
      FROM jf WHERE log IS NOT NULL);
INSERT INTO payloads
SELECT min(line_no), count(*)::INTEGER, arg_min(time, line_no), {{container}}, arg_min(stream, line_no),
       rtrim(string_agg(log, '' ORDER BY line_no), chr(13) || chr(10))
FROM jf_grp GROUP BY grp;
