-- journald / syslog-file lines (journalctl's short output, rsyslog's files, and what a program logging in RFC 3164
-- writes — HAProxy's `format rfc3164` — with its `<PRI>` in front): `[<PRI>]Feb 22 20:57:15 HOST tag[14702]: <payload>`.
-- The stamp has neither year nor zone, so the payload's own stamp is used; the tag stands for the container.
CREATE OR REPLACE TEMP TABLE jd AS
SELECT rowid - {{rowbase}} AS line_no, line,
       regexp_extract(line, '^(?:<\d{1,3}>)?[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \S+ ([^\s\[:]+)(?:\[\d+\])?: (.*)$', ['proc', 'payload']) AS g
FROM raw_lines WHERE line IS NOT NULL;
INSERT INTO payloads
SELECT line_no, 1, NULL, nullif(g.proc, ''), NULL, g.payload FROM jd WHERE g.proc <> '';
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a journald/syslog line', reject_raw(line) FROM jd WHERE g.proc = '';
DROP TABLE jd;
