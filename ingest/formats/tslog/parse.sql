-- The gateway's JSON file log (/tmp/openclaw/openclaw-YYYY-MM-DD.log): tslog records with positional keys.
-- "0" is the {"subsystem":…} prefix (or a captured console text); "1" the meta object or the message; "2" the
-- message when "1" is meta. _meta.date (always UTC Z) is the canonical instant. Size-cap marker records have the
-- flat {"time","level","subsystem","message"} shape. A file collect copied out of a container names it in its path
-- ({{container}}).
CREATE OR REPLACE TEMP TABLE tl AS
SELECT rowid - {{rowbase}} AS line_no, line, TRY_CAST(line AS JSON) AS j, coalesce(TRY_CAST(line AS JSON) IS NOT NULL AND left(line, 1) = '{', false) AS ok FROM raw_lines;
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a JSON record', reject_raw(line) FROM tl WHERE NOT ok AND line IS NOT NULL;
INSERT INTO gw_stage
SELECT line_no, 1, NULL, {{container}}, NULL, 'tslog',
       coalesce(mdate, time),
       coalesce(TRY_CAST(mdate AS TIMESTAMPTZ), TRY_CAST(time AS TIMESTAMPTZ)),
       false,
       coalesce(lower(j->>'$._meta.logLevelName'), lower(j->>'$.level')),
       coalesce(nullif(regexp_extract(j->>'$._meta.name', '"subsystem":"([^"]+)"', 1), ''), j->>'$.subsystem'),
       redact(strip_ansi(CASE
         WHEN p0 IS NULL THEN j->>'$.message'
         WHEN starts_with(p0, '{"subsystem"') AND json_type(j, '$."1"') = 'OBJECT' THEN j->>'$."2"'
         WHEN starts_with(p0, '{"subsystem"') THEN j->>'$."1"'
         ELSE p0 END)),
       CASE WHEN json_type(j, '$."1"') = 'OBJECT' THEN redact(j->>'$."1"') END
FROM (SELECT line_no, line, j, j->>'$._meta.date' AS mdate, j->>'$.time' AS time, j->>'$."0"' AS p0
      FROM tl WHERE ok);
