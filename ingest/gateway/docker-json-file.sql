-- docker json-file driver: {"log":"…\n","stream":"stdout","time":"<RFC3339Nano>"} per line.
-- Records over 16 KiB are split; only the last piece ends in \n, so pieces are joined to the next record.
CREATE OR REPLACE TEMP TABLE jf AS
SELECT line_no, line, ok,
       CASE WHEN ok THEN j->>'$.log' END AS log,
       CASE WHEN ok THEN j->>'$.stream' END AS stream,
       CASE WHEN ok THEN j->>'$.time' END AS time
FROM (SELECT *, coalesce(j IS NOT NULL AND left(line, 1) = '{' AND json_exists(j, '$.log'), false) AS ok
      FROM (SELECT rowid - {{rowbase}} AS line_no, line, TRY_CAST(line AS JSON) AS j FROM raw_lines));
INSERT INTO rejects
SELECT {{source_id}}, line_no,
       CASE WHEN TRY_CAST(line AS JSON) IS NULL THEN 'not a JSON record (json-file line cut or corrupt)'
            ELSE 'JSON record without a "log" field' END,
       reject_raw(line)
FROM jf WHERE NOT ok AND line IS NOT NULL;
CREATE OR REPLACE TEMP TABLE jf_grp AS
SELECT *, sum(CASE WHEN prev_complete THEN 1 ELSE 0 END) OVER (ORDER BY line_no) AS grp
FROM (SELECT line_no, log, stream, time,
             coalesce(lag(ends_with(log, chr(10))) OVER (ORDER BY line_no), true) AS prev_complete
      FROM jf WHERE ok);
INSERT INTO gw_a
SELECT min(line_no), count(*)::INTEGER, first(time ORDER BY line_no), {{container}}, first(stream ORDER BY line_no),
       rtrim(string_agg(log, '' ORDER BY line_no), chr(13) || chr(10))
FROM jf_grp GROUP BY grp;
