-- RFC 5424 syslog (HAProxy's `format rfc5424`, rsyslog's RFC 5424 files):
-- `<PRI>1 2026-11-30T11:41:09.670194+00:00 HOST APP PROCID MSGID [SD|-] <payload>`. The stamp carries its zone: it is
-- the envelope's stamp of the payload (the line's write time); APP stands for the container.
CREATE OR REPLACE TEMP TABLE sl AS
SELECT rowid - {{rowbase}} AS line_no, line,
       regexp_extract(line, '^<\d{1,3}>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)|-) \S+ (\S+) \S+ \S+ (?:-|(?:\[[^\]]*\])+) ?(.*)$', ['t', 'app', 'payload']) AS g
FROM raw_lines WHERE line IS NOT NULL;
INSERT INTO payloads
SELECT line_no, 1, nullif(g.t, '-'), nullif(g.app, '-'), NULL, g.payload FROM sl WHERE g.t <> '';
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not an RFC 5424 syslog line', reject_raw(line) FROM sl WHERE g.t = '';
DROP TABLE sl;
