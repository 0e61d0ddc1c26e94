-- Traefik access log, JSON format (fields ClientHost, RequestMethod, DownstreamStatus, Duration in ns, StartUTC …).
CREATE OR REPLACE TEMP TABLE tj AS
SELECT rowid - {{rowbase}} AS line_no, line, TRY_CAST(line AS JSON) AS j, coalesce(left(line, 1) = '{' AND TRY_CAST(line AS JSON) IS NOT NULL AND json_exists(TRY_CAST(line AS JSON), '$.DownstreamStatus'), false) AS ok FROM raw_lines;
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a Traefik JSON access record', reject_raw(line) FROM tj WHERE NOT ok AND line IS NOT NULL;
INSERT INTO proxy_requests
SELECT {{source_id}}, line_no, 'traefik',
       coalesce(TRY_CAST(j->>'$.time' AS TIMESTAMPTZ), start + to_microseconds(dur_ns // 1000)),
       coalesce(j->>'$.time', j->>'$.StartUTC'), false, start,
       j->>'$.ClientHost', j->>'$.RequestMethod', redact(j->>'$.RequestPath'), j->>'$.RequestProtocol',
       TRY_CAST(j->>'$.DownstreamStatus' AS INTEGER), TRY_CAST(j->>'$.DownstreamContentSize' AS BIGINT),
       dur_ns / 1e9, NULL, j->>'$.OriginStatus', j->>'$.ServiceURL', j->>'$.RequestHost',
       j->>'$."request_Referer"', j->>'$."request_User-Agent"', j->>'$."request_X-Forwarded-For"',
       j->>'$."request_Upgrade"', NULL,
       TRY_CAST(j->>'$.DownstreamStatus' AS INTEGER) = 101 OR lower(coalesce(j->>'$."request_Upgrade"', '')) = 'websocket'
FROM (SELECT *, TRY_CAST(j->>'$.StartUTC' AS TIMESTAMPTZ) AS start, TRY_CAST(j->>'$.Duration' AS BIGINT) AS dur_ns FROM tj WHERE ok);
