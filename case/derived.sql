-- Refills the derived tables of case/schema.sql from the evidence (Store.refreshDerived runs it when the sources
-- changed since the last refill). One statement per derived table after its DELETE.

DELETE FROM ws_close_base;
INSERT INTO ws_close_base
WITH timeouts AS (
  SELECT coalesce(list(DISTINCT nginx_seconds(value)) FILTER (WHERE nginx_seconds(value) < 600), []) AS secs
  FROM config_values WHERE surface = 'nginx.conf' AND key = 'proxy_read_timeout'
), c AS (
  SELECT *, count(*) OVER (PARTITION BY seen_by, epoch(ts)::BIGINT) AS same_second FROM ws_closes
)
SELECT c.ts, c.seen_by, c.how, c.source_id, c.line_no, c.detail, c.lifetime_s, c.code, c.same_second,
       c.seen_by = 'proxy' AND len(list_filter(t.secs, lambda x: abs(c.lifetime_s - x) <= 1.5)) > 0 AS timeout_match
FROM c, timeouts t;

