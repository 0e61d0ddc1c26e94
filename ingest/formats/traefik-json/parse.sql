-- Traefik access log, JSON format: v2/v3 (RouterName, ServiceName, ServiceURL as a string or — Traefik 2.0–2.11 — as
-- a URL object, DownstreamStatus, OriginStatus, Duration and OriginDuration in ns, StartUTC) and v1 (FrontendName,
-- BackendURL). Request headers appear as request_<Name> when the config keeps them.
CREATE OR REPLACE TEMP TABLE tj AS
SELECT line_no, container, payload, TRY_CAST(payload AS JSON) AS j,
       coalesce(left(payload, 1) = '{' AND json_exists(TRY_CAST(payload AS JSON), '$.DownstreamStatus'), false) AS ok
FROM {{payloads}} WHERE payload IS NOT NULL;
INSERT INTO rejects
SELECT {{source_id}}, line_no, 'not a Traefik JSON access record', reject_raw(payload) FROM tj WHERE NOT ok;
INSERT INTO proxy_requests BY NAME
SELECT {{source_id}} AS source_id, line_no, 'traefik' AS proxy, container,
       coalesce(start + to_microseconds(dur_ns // 1000), TRY_CAST(j->>'$.time' AS TIMESTAMPTZ)) AS ts,
       coalesce(j->>'$.StartUTC', j->>'$.time') AS ts_text, false AS tz_assumed, start AS started_at,
       j->>'$.ClientHost' AS remote_addr, j->>'$.RequestMethod' AS method, redact(j->>'$.RequestPath') AS path,
       j->>'$.RequestProtocol' AS protocol, status, TRY_CAST(j->>'$.DownstreamContentSize' AS BIGINT) AS bytes_sent,
       dur_ns / 1e9 AS request_time, TRY_CAST(j->>'$.OriginDuration' AS BIGINT) / 1e9 AS upstream_time,
       j->>'$.OriginStatus' AS upstream_status,
       coalesce(CASE WHEN json_type(j, '$.ServiceURL') = 'OBJECT' THEN (j->>'$.ServiceURL.Scheme') || '://' || (j->>'$.ServiceURL.Host') ELSE j->>'$.ServiceURL' END,
                j->>'$.BackendURL') AS upstream_addr,
       coalesce(j->>'$.RouterName', j->>'$.FrontendName') AS route,
       j->>'$.RequestHost' AS host, redact(j->>'$."request_Referer"') AS referer, redact(j->>'$."request_User-Agent"') AS user_agent,
       j->>'$."request_X-Forwarded-For"' AS xff, j->>'$."request_Upgrade"' AS upgrade,
       status = 101 OR lower(coalesce(j->>'$."request_Upgrade"', '')) = 'websocket' AS is_websocket,
       status_end_reason(status) AS end_reason,
       TRY_CAST(j->>'$.OriginDuration' AS BIGINT) / 1e9 AS header_time
FROM (SELECT *, TRY_CAST(j->>'$.StartUTC' AS TIMESTAMPTZ) AS start, TRY_CAST(j->>'$.Duration' AS BIGINT) AS dur_ns,
             TRY_CAST(j->>'$.DownstreamStatus' AS INTEGER) AS status FROM tj WHERE ok);
DROP TABLE tj;
