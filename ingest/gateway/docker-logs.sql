-- `docker logs [-t]` and `docker compose logs [-t]` text, and bare console output:
--   [<compose name padded> | ][<daemon RFC3339Nano, 9 digits> ]<console payload>
-- The compose prefix may be coloured; the payload keeps its colours for the level.
INSERT INTO gw_a
SELECT line_no, 1, nullif(g.dts, ''), coalesce(nullif(trim(strip_ansi(g.prefix)), ''), {{container}}), NULL, g.payload
FROM (SELECT rowid - {{rowbase}} AS line_no,
             regexp_extract(rtrim(line, chr(13)),
               '^(?:((?:\x1b\[[0-9;]*m)*[A-Za-z0-9_.@-]+ *(?:\x1b\[[0-9;]*m)*)\|(?:\x1b\[[0-9;]*m)* ?)?(?:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(?:Z|[+-]\d\d:\d\d)) )?(.*)$',
               ['prefix', 'dts', 'payload']) AS g
      FROM raw_lines WHERE line IS NOT NULL);
