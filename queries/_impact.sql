-- Not a canned query (the leading underscore keeps it out of the pack): the failure signals a finding's impact is
-- counted from when its query gives no impact column (runner.ts, fillImpact). One row per signal: its kind, the
-- client it hurt (proxy client address, else the device, forwarded or remote address, client name), the session
-- (connection id, else the line) and the route it failed on (proxy, method and path without the query string; or
-- the log that saw it).
CREATE OR REPLACE TEMP TABLE impact_signals AS
WITH closes AS (
  SELECT *, CASE close_class(code) WHEN '1006 transport' THEN 'transport' WHEN '1008/4008 policy' THEN 'policy' WHEN '4001 auth changed' THEN 'auth-changed'
                                   WHEN '1012/1013 restart' THEN 'restart' ELSE 'other' END AS kind
  FROM ws_close_classified(5) WHERE code IS NOT NULL AND close_class(code) <> 'normal' AND ts IS NOT NULL
)
-- two inner joins, not one left join on either table: DuckDB hashes these, the left join ran for minutes on 1 M closes
SELECT c.ts, c.source_id, c.line_no, c.kind,
       coalesce(dash_null(split_part(p.xff, ',', 1)), p.remote_addr, 'unknown') AS client,
       c.source_id || ':' || c.line_no AS session,
       p.proxy || ' ' || coalesce(p.method || ' ', '') || coalesce(regexp_replace(p.path, '\?.*$', ''), '') AS route
FROM closes c JOIN proxy_requests p ON p.source_id = c.source_id AND p.line_no = c.line_no
WHERE c.seen_by = 'proxy'
UNION ALL
SELECT c.ts, c.source_id, c.line_no, c.kind,
       coalesce(g.device_id, g.fwd, g.remote, g.peer, g.client, g.container, 'unknown'),
       coalesce(g.conn_id, c.source_id || ':' || c.line_no), c.seen_by || ' log'
FROM closes c JOIN gateway_events g ON g.source_id = c.source_id AND g.line_no = c.line_no
WHERE c.seen_by <> 'proxy'
UNION ALL
SELECT ts, source_id, line_no, 'auth', coalesce(device_id, fwd, remote, peer, client, container, 'unknown'), coalesce(conn_id, source_id || ':' || line_no), 'gateway log'
FROM gateway_events WHERE (event IN ('unauthorized', 'client-auth-failed') OR auth_reason IS NOT NULL) AND ts IS NOT NULL
UNION ALL
SELECT ts, source_id, line_no, 'proxy-5xx', coalesce(dash_null(split_part(xff, ',', 1)), remote_addr, 'unknown'), source_id || ':' || line_no,
       proxy || ' ' || coalesce(method || ' ', '') || coalesce(regexp_replace(path, '\?.*$', ''), '')
FROM proxy_requests WHERE status >= 500 AND NOT coalesce(is_websocket, false) AND ts IS NOT NULL;

-- Per finding without an impact (cause and symptom findings with a start): the signals of its query's kinds between
-- its start and end, and the routes they came through (most first, five at most).
CREATE OR REPLACE TEMP TABLE finding_impact AS
WITH hit AS (
  SELECT f.finding_id, f.start_ts, f.end_ts, s.*
  FROM findings f JOIN impact_kinds k ON k.query_id = f.query_id
  JOIN impact_signals s ON s.kind = k.kind AND s.ts >= f.start_ts AND s.ts <= coalesce(f.end_ts, f.start_ts)
  WHERE f.impact IS NULL AND f.start_ts IS NOT NULL AND f.query_group IN ('cause', 'symptom')
), routes AS (
  SELECT finding_id, list(route ORDER BY n DESC, route)[1:5] AS paths
  FROM (SELECT finding_id, route, count(*) AS n FROM hit GROUP BY ALL) GROUP BY finding_id
)
SELECT finding_id, count(DISTINCT client)::INTEGER AS clients, count(DISTINCT session)::INTEGER AS sessions, any_value(r.paths) AS paths,
       round(epoch(coalesce(any_value(end_ts), max(ts))) - epoch(least(any_value(start_ts), min(ts))))::INTEGER AS duration_s,
       string_agg(DISTINCT kind, ', ' ORDER BY kind) AS kinds,
       strftime(min(ts), '%Y-%m-%dT%H:%M:%SZ') AS first_at, strftime(max(ts), '%Y-%m-%dT%H:%M:%SZ') AS last_at,
       arg_min({'source_id': source_id, 'line': line_no}, (ts, source_id, line_no)) AS first_cite,
       arg_max({'source_id': source_id, 'line': line_no}, (ts, -source_id, -line_no)) AS last_cite
FROM hit JOIN routes r USING (finding_id) GROUP BY finding_id;
