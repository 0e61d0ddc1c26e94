-- `docker events` default text form: `<RFC3339Nano> <type> <action[: detail]> <id> (k=v, k=v, …)`.
CREATE OR REPLACE TEMP TABLE dt AS
SELECT rowid - {{rowbase}} AS line_no, line,
       regexp_extract(line, '^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (\S+) ([a-z_]+(?:: .*?)?) ([0-9a-f]{12,64}|\S+)(?: \((.*)\))?$',
                      ['t', 'type', 'act', 'id', 'attrs']) AS g
FROM raw_lines;
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a docker events line', reject_raw(line) FROM dt WHERE g.t = '' AND line IS NOT NULL;
INSERT INTO docker_events
SELECT {{source_id}}, line_no, ts, epoch_us(ts) * 1000, g.type, split_part(g.act, ': ', 1),
       nullif(substr(g.act, length(split_part(g.act, ': ', 1)) + 3), ''), g.id,
       nullif(regexp_extract(g.attrs, '(?:^|, )name=([^,]*)', 1), ''), nullif(regexp_extract(g.attrs, '(?:^|, )image=([^,]*)', 1), ''),
       nullif(regexp_extract(g.attrs, '(?:^|, )com\.docker\.compose\.project=([^,]*)', 1), ''),
       nullif(regexp_extract(g.attrs, '(?:^|, )com\.docker\.compose\.service=([^,]*)', 1), ''),
       TRY_CAST(nullif(regexp_extract(g.attrs, '(?:^|, )com\.docker\.compose\.container-number=([^,]*)', 1), '') AS INTEGER),
       TRY_CAST(nullif(regexp_extract(g.attrs, '(?:^|, )exitCode=([^,]*)', 1), '') AS INTEGER),
       nullif(regexp_extract(g.attrs, '(?:^|, )signal=([^,]*)', 1), ''),
       nullif(regexp_extract(g.attrs, '(?:^|, )com\.docker\.compose\.replace=([^,]*)', 1), ''),
       nullif(regexp_extract(g.attrs, '(?:^|, )com\.docker\.compose\.config-hash=([^,]*)', 1), ''),
       redact(g.attrs)
FROM (SELECT *, TRY_CAST(g.t AS TIMESTAMPTZ) AS ts FROM dt WHERE g.t <> '');
