-- `docker logs [-t]` and `docker compose logs [-t]` text, and bare console output:
--   [<compose name padded> | ][<daemon RFC3339Nano, 9 digits> ]<console payload>
-- The compose prefix may be coloured; the payload keeps its colours for the level.
-- Binary garbage (NUL, or bytes that were not UTF-8) is rejected, not read as a log line; other control bytes are
-- kept (ANSI/OSC sequences are stripped from the payload, the rest is shown escaped on output).
CREATE OR REPLACE TEMP TABLE dl AS
SELECT rowid - {{rowbase}} AS line_no, line,
       regexp_matches(line, '\x00|\x{FFFD}') AS is_binary
FROM raw_lines WHERE line IS NOT NULL;
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'binary or invalid UTF-8 content in a text log line', reject_raw(line) FROM dl WHERE is_binary;
INSERT INTO payloads
SELECT line_no, 1, nullif(g.dts, ''), coalesce(nullif(trim(strip_ansi(g.prefix)), ''), {{container}}), NULL, g.payload
FROM (SELECT line_no,
             regexp_extract(line,
               '^(?:((?:\x1b\[[0-9;]*m)*[A-Za-z0-9_.@-]+ *(?:\x1b\[[0-9;]*m)*)\|(?:\x1b\[[0-9;]*m)* ?)?(?:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(?:Z|[+-]\d\d:\d\d)) )?(.*)$',
               ['prefix', 'dts', 'payload']) AS g
      FROM dl WHERE NOT is_binary);
DROP TABLE dl;
