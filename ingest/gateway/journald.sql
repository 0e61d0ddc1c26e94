-- journald / syslog wrapping of host installs: `Feb 22 20:57:15 HOST node[14702]: <console payload>`.
-- The syslog stamp has neither year nor zone, so the payload's own stamp is preferred.
INSERT INTO gw_a
SELECT line_no, 1, NULL, nullif(g.proc, ''), NULL, g.payload
FROM (SELECT rowid - {{rowbase}} AS line_no,
             regexp_extract(line, '^[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \S+ ([^\s\[:]+)(?:\[\d+\])?: (.*)$', ['proc', 'payload']) AS g,
             line
      FROM raw_lines WHERE line IS NOT NULL)
WHERE g.payload <> '' OR g.proc <> '';
INSERT INTO rejects
SELECT {{source_id}}, rowid - {{rowbase}}, 'not a journald/syslog line', reject_raw(line)
FROM raw_lines
WHERE line IS NOT NULL AND NOT regexp_matches(line, '^[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \S+ [^\s\[:]+(?:\[\d+\])?: ');
