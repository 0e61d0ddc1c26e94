-- `openclaw logs` output that users paste: `HH:MM:SS level subsystem {"subsystem":…} [{meta}] message`
-- (pretty, UTC, no date), the --plain ISO form, and --json records ({"type":"log",…}).
INSERT INTO gw_stage
SELECT line_no, 1, NULL, NULL, NULL, 'openclaw-logs',
       CASE WHEN is_json THEN j->>'$.time' ELSE nullif(g.t, '') END,
       CASE WHEN is_json THEN TRY_CAST(j->>'$.time' AS TIMESTAMPTZ) ELSE TRY_CAST(nullif(g.t, '') AS TIMESTAMPTZ) END,
       CASE WHEN is_json THEN false WHEN length(g.t) > 14 THEN false END,
       CASE WHEN is_json THEN lower(j->>'$.level') ELSE nullif(g.lvl, '') END,
       CASE WHEN is_json THEN j->>'$.subsystem' ELSE nullif(g.sub, '') END,
       redact(strip_ansi(CASE WHEN is_json THEN coalesce(j->>'$.message', j->>'$.raw') ELSE m.msg END)),
       CASE WHEN NOT is_json THEN nullif(m.meta, '') END
FROM (SELECT rowid - {{rowbase}} AS line_no, line, TRY_CAST(line AS JSON) AS j,
             coalesce(left(line, 1) = '{' AND TRY_CAST(line AS JSON) IS NOT NULL, false) AS is_json,
             regexp_extract(line,
               '^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)|\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d)?) (trace|debug|info|warn|error|fatal) (\S+) (.*)$',
               ['t', 'lvl', 'sub', 'rest']) AS g
      FROM raw_lines WHERE line IS NOT NULL) x,
     LATERAL (SELECT regexp_extract(x.g.rest, '^(?:\{"subsystem":"[^"]*"\} )?(?:(\{.*?\}) )?(.*)$', ['meta', 'msg']) AS m)
WHERE is_json OR g.lvl <> '';
INSERT INTO rejects
SELECT {{source_id}}, rowid - {{rowbase}}, 'not an `openclaw logs` line', reject_raw(line)
FROM raw_lines
WHERE line IS NOT NULL AND NOT (left(line, 1) = '{' AND TRY_CAST(line AS JSON) IS NOT NULL)
  AND NOT regexp_matches(line, '^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)|\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d)?) (trace|debug|info|warn|error|fatal) \S+ ');
