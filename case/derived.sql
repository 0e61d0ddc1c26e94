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


-- Candidate changes from every source (docs/schema.md, table candidate_changes).
DELETE FROM candidate_changes;
INSERT INTO candidate_changes
WITH revs AS (
  -- the revisions of each config file in the history, in order, to see which keys a commit removed
  SELECT DISTINCT surface, path, commit_sha, valid_from FROM config_values WHERE commit_sha IS NOT NULL
), revseq AS (
  SELECT *, lead(commit_sha) OVER w AS next_sha, lead(valid_from) OVER w AS next_from
  FROM revs WINDOW w AS (PARTITION BY surface, path ORDER BY valid_from, commit_sha)
), removed AS (
  SELECT v.surface, v.key, coalesce(v.fp, v.value) AS old_value, r.next_from AS valid_from, r.next_sha AS commit_sha, v.path, v.source_id
  FROM config_values v JOIN revseq r ON r.surface = v.surface AND r.path = v.path AND r.commit_sha = v.commit_sha
  WHERE r.next_sha IS NOT NULL AND v.key <> '(file deleted)'
    AND NOT EXISTS (SELECT 1 FROM config_values w WHERE w.surface = v.surface AND w.path = v.path AND w.commit_sha = r.next_sha AND w.key = v.key)
), keyed AS (
  SELECT surface, key, old_value, new_value, valid_from, commit_sha, path, source_id, line_no, 'changed' AS action
  FROM config_changes WHERE NOT first_seen AND valid_from IS NOT NULL
  UNION ALL
  SELECT surface, key, old_value, NULL, valid_from, commit_sha, path, source_id, NULL, 'removed' FROM removed
)
SELECT coalesce(commit_sha[1:12], 'file') || ':' || component_of(surface, path) || ':' || key || '@' || strftime(valid_from, '%Y%m%dT%H%M%S'),
       valid_from, 'config', component_of(surface, path), action, key, old_value, new_value, NULL, NULL,
       CASE WHEN is_idle_timeout_key(key) OR key = 'worker_shutdown_timeout' THEN duration_seconds(new_value) END,
       commit_sha, path, source_id, line_no, NULL
FROM keyed
UNION ALL
-- a commit that changed a file no parser reads key by key (haproxy.cfg, Traefik files, …) is still a candidate
SELECT f.sha[1:12] || ':' || component_of(NULL, f.path) || ':' || f.path, c.committer_time, 'file', component_of(NULL, f.path), 'changed', NULL, NULL, NULL,
       NULL, NULL, NULL, f.sha, f.path, f.source_id, NULL, c.subject
FROM commit_files f JOIN commits c ON c.sha = f.sha AND c.source_id = f.source_id
WHERE NOT EXISTS (SELECT 1 FROM config_values v WHERE v.commit_sha = f.sha AND v.path = f.path)
UNION ALL
-- proxy releases: reload notices (one per proxy and instant), a reload run in a proxy container (docker exec, or kill
-- -s HUP/USR2 to it), a proxy container (re)start; with the drain the proxy gives old sessions
SELECT 'release:' || component || '@' || strftime(ts, '%Y%m%dT%H%M%S'), ts, 'release', component, 'reload', NULL, NULL, NULL, NULL, NULL,
       CASE component
         WHEN 'caddy' THEN 0
         ELSE (SELECT duration_seconds(arg_max(v.value, v.valid_from)) FROM config_values v
               WHERE component_of(v.surface, v.path) = r.component AND (v.key = 'worker_shutdown_timeout' OR v.key LIKE '%hard-stop-after' OR v.key = 'hard_stop_after')
                 AND (v.valid_from <= r.ts OR v.valid_from_assumed)) END,
       NULL, NULL, source_id, line_no, what
FROM (
  -- one release per proxy and instant (nginx writes several notices for one reload, docker an exec event): notices
  -- less than 3 s apart are one release, named by the proxy's own notice first
  SELECT * FROM (
    SELECT *, sum(CASE WHEN ts - prev_ts <= INTERVAL 3 SECOND THEN 0 ELSE 1 END) OVER (PARTITION BY component ORDER BY ts, pref) AS n
    FROM (SELECT *, lag(ts) OVER (PARTITION BY component ORDER BY ts, pref) AS prev_ts FROM (
      -- (HAProxy's unstamped notices where the evidence places them: proxy_errors_placed)
      SELECT proxy AS component, ts, source_id, line_no, message AS what, 0 AS pref FROM proxy_errors_placed
      WHERE kind = 'reload' AND ts IS NOT NULL AND NOT contains(coalesce(message, ''), 'config is unchanged')
      UNION ALL
      -- a new nginx worker pid in the access log (when the error log says nothing), after the first minute of the log
      SELECT w.proxy, w.first_ts, w.source_id, w.line_no, 'new worker pid ' || w.worker_pid || ' in the access log', 2
      FROM (SELECT proxy, worker_pid, min(ts) AS first_ts, arg_min(source_id, ts) AS source_id, arg_min(line_no, ts) AS line_no
            FROM proxy_requests WHERE worker_pid IS NOT NULL GROUP BY proxy, worker_pid) w
      WHERE w.first_ts > (SELECT min(ts) + INTERVAL 1 MINUTE FROM proxy_requests WHERE worker_pid IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM proxy_errors_placed x WHERE x.proxy = w.proxy AND x.kind = 'reload' AND x.ts BETWEEN w.first_ts - INTERVAL 10 MINUTE AND w.first_ts)
      UNION ALL
      SELECT proxy_of(image, coalesce(service, name)), ts, source_id, line_no,
             action || coalesce(': ' || action_detail, '') || coalesce(' signal=' || signal, ''), 1 FROM docker_events
      WHERE type = 'container' AND proxy_of(image, coalesce(service, name)) IS NOT NULL AND (
            (action = 'exec_start' AND regexp_matches(coalesce(action_detail, ''), '(?i)reload|-s |SIGHUP|kill -(HUP|USR2)'))
         OR (action = 'kill' AND coalesce(signal, '') IN ('1', 'SIGHUP', 'HUP', '12', 'SIGUSR2', 'USR2'))
         OR action IN ('start', 'restart'))
    ))
  ) QUALIFY row_number() OVER (PARTITION BY component, n ORDER BY pref, ts, what NOT LIKE '%SIGHUP%') = 1
) r
UNION ALL
-- the gateway's own lifecycle: signals, fatal starts and skipped reloads with the key they name, hot reloads applied,
-- restart-loop breaker, first-start markers (state that starts empty)
SELECT 'gateway:' || event || '@' || strftime(ts, '%Y%m%dT%H%M%S') || ':' || line_no, ts, 'gateway', 'gateway', event,
       CASE WHEN event IN ('fatal-start', 'reload-skipped') THEN nullif(regexp_extract(message, '(?:^|[\s:—-])((?:gateway|agents?|channels|models|update|ui|discovery|plugins|hooks|meta|auth|session|tools|logging|commands|browser|cron|memory)(?:\.[\w\[\]-]+)+):', 1), '')
            WHEN event IN ('reload-applied', 'reload-detected', 'restart-required') THEN changed_paths END,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, source_id, line_no, left(message, 300)
FROM gateway_events
WHERE ts IS NOT NULL AND event IN ('signal', 'fatal-start', 'reload-skipped', 'reload-applied', 'restart-required', 'restart-loop-breaker', 'first-start')
QUALIFY row_number() OVER (PARTITION BY event, epoch(ts)::BIGINT ORDER BY source_id, line_no) = 1
UNION ALL
-- container lifecycle of every service; a death is planned when it was asked for gracefully (a SIGTERM kill or a
-- stop just before it, or exit 0); a KILL signal or a death nobody asked for is not
SELECT 'container:' || coalesce(service, name, actor_id[1:12]) || ':' || action || '@' || strftime(ts, '%Y%m%dT%H%M%S') || ':' || line_no, ts, 'container',
       coalesce(service, name, actor_id[1:12]), CASE WHEN action = 'create' AND replace_of IS NOT NULL THEN 'recreate' ELSE action END,
       NULL, NULL, actor_id, 
       CASE WHEN action = 'die' THEN coalesce(exit_code, 0) = 0 OR graceful
            WHEN action = 'kill' THEN coalesce(signal, '15') IN ('15', 'SIGTERM', 'TERM') END,
       exit_code, NULL, NULL, NULL, source_id, line_no,
       action || coalesce(' exitCode=' || exit_code, '') || coalesce(' signal=' || signal, '') || coalesce(' (' || name || ')', '')
FROM (SELECT *, coalesce(bool_or(action IN ('stop') OR (action = 'kill' AND coalesce(signal, '15') IN ('15', 'SIGTERM', 'TERM')))
                  OVER (PARTITION BY actor_id ORDER BY ts RANGE BETWEEN INTERVAL 30 SECOND PRECEDING AND CURRENT ROW), false) AS graceful
      FROM docker_events WHERE type = 'container' AND ts IS NOT NULL AND action IN ('create', 'start', 'die', 'kill', 'stop', 'destroy', 'restart'))
UNION ALL
-- operator actions run in a container: device approvals and rejections
SELECT 'operator:' || strftime(ts, '%Y%m%dT%H%M%S') || ':' || line_no, ts, 'operator', coalesce(service, name), 'approve', NULL, NULL, NULL, true, NULL, NULL,
       NULL, NULL, source_id, line_no, action_detail
FROM docker_events WHERE type = 'container' AND action = 'exec_start' AND regexp_matches(coalesce(action_detail, ''), '(?i)(devices|nodes) (approve|reject)');
-- the gateway's state mount across container generations: a moved or vanished mount (source or destination)
INSERT INTO candidate_changes
WITH facts AS (
  -- mounts that hold the state dir (/home/node/.openclaw/state): from inspect snapshots, and from volume mount events,
  -- which still name them when a recreate destroyed the container
  SELECT container_id, coalesce(name, mount_source) AS src, destination AS dest, snapshot_at AS seen_at, source_id FROM container_mounts
  WHERE starts_with('/home/node/.openclaw/state/', rtrim(destination, '/') || '/')
  UNION ALL
  SELECT json_extract_string(attributes, '$.container'), actor_id, json_extract_string(attributes, '$.destination'), ts, source_id FROM docker_events
  WHERE type = 'volume' AND action = 'mount'
    AND starts_with('/home/node/.openclaw/state/', rtrim(json_extract_string(attributes, '$.destination'), '/') || '/')
), m AS (
  -- the deepest such mount per container is the one the gateway's state lives on
  SELECT container_id, src, dest, source_id FROM facts
  QUALIFY row_number() OVER (PARTITION BY container_id ORDER BY length(dest) DESC, seen_at DESC) = 1
), g AS (
  SELECT g.service, g.container_id, g.started, lag(g.container_id) OVER (PARTITION BY g.service ORDER BY g.started) AS prev_id
  FROM container_generations g WHERE is_gateway_service(g.service)
)
SELECT 'mount:' || g.service || '@' || strftime(g.started, '%Y%m%dT%H%M%S'), g.started, 'mount', g.service,
       CASE WHEN mn.container_id IS NULL THEN 'vanished' ELSE 'moved' END, 'state mount',
       mo.src || ':' || mo.dest, mn.src || ':' || mn.dest, NULL, NULL, NULL, NULL, NULL, coalesce(mn.source_id, mo.source_id), NULL,
       format('state mount {} → {}', mo.src || ':' || mo.dest, coalesce(mn.src || ':' || mn.dest, 'none'))
FROM g JOIN m mo ON mo.container_id = g.prev_id LEFT JOIN m mn ON mn.container_id = g.container_id
WHERE g.prev_id IS NOT NULL AND g.prev_id <> g.container_id AND (mn.container_id IS NULL OR mo.src <> mn.src OR mo.dest <> mn.dest);

-- Symptoms: one row per client-visible failure (docs/schema.md, table symptoms).
DELETE FROM symptoms;
INSERT INTO symptoms
WITH kinds AS (
  -- the proxies of the case: those whose logs were read, whose containers ran, whose config is in the evidence
  SELECT DISTINCT proxy FROM proxy_requests UNION SELECT DISTINCT proxy FROM proxy_errors
  UNION SELECT DISTINCT proxy_of(image, service) FROM containers WHERE proxy_of(image, service) IS NOT NULL
  UNION SELECT DISTINCT component_of(surface, NULL) FROM config_values WHERE surface IN ('nginx.conf', 'caddyfile', 'haproxy.cfg')
), proxied AS (
  -- the path of a forwarded connection the gateway saw: the one proxy of the case, else "proxy"
  SELECT CASE WHEN count(*) = 1 THEN any_value(proxy) ELSE 'proxy' END AS p FROM kinds
), timeouts AS (
  -- every idle timeout a proxy's config held (below 10 minutes), per proxy, in force from the release that applied it
  -- (the first after its revision: new sessions go to the new worker; without a release in the evidence, the revision
  -- itself) to the one that applied the key's next revision. A session only meets the timeout in force when it opened
  -- (a 12 s session before the release that applies 10 s did not time out).
  SELECT DISTINCT proxy, secs,
         coalesce((SELECT min(r.ts) FROM candidate_changes r WHERE r.kind = 'release' AND r.component = t.proxy AND r.ts >= t.from_ts), t.from_ts) AS from_ts,
         coalesce((SELECT min(r.ts) FROM candidate_changes r WHERE r.kind = 'release' AND r.component = t.proxy AND r.ts >= t.until_ts), t.until_ts) AS until_ts
  FROM (
    SELECT component_of(surface, path) AS proxy, duration_seconds(value) AS secs, valid_from AS from_ts,
           lead(valid_from) OVER (PARTITION BY component_of(surface, path), key ORDER BY valid_from) AS until_ts
    FROM config_values WHERE is_idle_timeout_key(key)) t
  WHERE secs < 600
), ws AS (
  SELECT source_id, line_no, proxy, ts, started_at, status, request_time, xff, remote_addr, user_agent, upgrade, end_reason,
         coalesce(nullif(trim(split_part(xff, ',', 1)), ''), remote_addr) AS addr
  FROM proxy_requests
  WHERE ts IS NOT NULL AND (is_websocket OR lower(coalesce(upgrade, '')) = 'websocket')
), ended AS MATERIALIZED (
  -- upgraded sessions that ended (nginx/HAProxy 101, Caddy status 0), with how many ended in the same second
  SELECT *, count(*) OVER (PARTITION BY proxy, epoch(ts)::BIGINT) AS same_second
  FROM ws WHERE status IN (101, 0) AND coalesce(request_time, 0) > 1
), cuts AS (
  -- a cut instant counts when it comes when the release's drain ends (reload + worker_shutdown_timeout /
  -- hard-stop-after; at once for Caddy): an old worker that leaves earlier left because its sessions had ended
  SELECT c.proxy, c.ts FROM proxy_cut_instants c JOIN candidate_changes r ON r.kind = 'release' AND r.component = c.proxy
   AND abs(epoch(c.ts) - epoch(r.ts) - coalesce(r.seconds, 0)) <= 3
  GROUP BY ALL
), cut AS (
  SELECT e.source_id, e.line_no, min(c.ts) AS cut_ts FROM ended e JOIN cuts c
    ON c.proxy = e.proxy AND e.ts BETWEEN c.ts - INTERVAL 1500 MILLISECOND AND c.ts + INTERVAL 2 SECOND
   AND e.started_at < c.ts - INTERVAL 500 MILLISECOND
  GROUP BY ALL
), timed_out AS (
  -- a lifetime about a timeout in force when the session opened, unless the proxy says the session ended normally
  -- (HAProxy `----`: a client that closes after 12 s is not a 10 s timeout)
  SELECT DISTINCT e.source_id, e.line_no FROM ended e JOIN timeouts t ON t.proxy = e.proxy
   AND e.request_time BETWEEN t.secs - 1 AND t.secs + 3
   AND (t.from_ts IS NULL OR t.from_ts <= e.started_at)
   AND (t.until_ts IS NULL OR t.until_ts > e.started_at)
  WHERE e.end_reason IS DISTINCT FROM 'done'
  UNION
  -- the proxy's own word that a timeout ended it (HAProxy cD--/sD--, Envoy's stream idle timeout)
  SELECT source_id, line_no FROM ended WHERE end_reason IN ('client-timeout', 'server-timeout')
  UNION
  -- the proxy's own "upstream timed out … upgraded" line within a second (joined by second: an equality, not a range)
  SELECT e.source_id, e.line_no FROM ended e
  JOIN (SELECT DISTINCT proxy, epoch(ts)::BIGINT + d AS sec FROM proxy_errors, unnest([-1, 0, 1]) AS t(d)
        WHERE kind = 'upstream-timeout' AND upgraded AND ts IS NOT NULL) x ON x.proxy = e.proxy AND x.sec = epoch(e.ts)::BIGINT
), proxy_rows AS (
  SELECT e.ts, CASE WHEN c.cut_ts IS NOT NULL THEN 'release-cut' ELSE 'transport' END AS family, e.proxy AS path,
         e.addr || coalesce(' ' || nullif(e.user_agent, '-'), '') AS client_key, e.addr, 'proxy' AS observer, NULL::INTEGER AS code,
         format('{} {} session ended after {} s{}', e.proxy, e.status, round(e.request_time, 3),
                CASE WHEN c.cut_ts IS NOT NULL THEN ' with a release' WHEN e.end_reason IN ('client-timeout', 'server-timeout') THEN format(' ({})', e.end_reason)
                     WHEN t.line_no IS NOT NULL THEN ' (≈ a configured timeout)' ELSE ' together with others' END) AS detail,
         e.request_time AS lifetime_s, e.source_id, e.line_no
  FROM ended e LEFT JOIN cut c USING (source_id, line_no) LEFT JOIN timed_out t USING (source_id, line_no)
  WHERE c.cut_ts IS NOT NULL OR t.line_no IS NOT NULL OR e.same_second >= 2
  UNION ALL
  -- an upgrade the gateway closed right after the handshake (a 1008 at the client: pairing or token, which the
  -- gateway's own line tells when it is in the evidence; de-duplicated against it below)
  SELECT ts, 'handshake-refused', proxy, addr || coalesce(' ' || nullif(user_agent, '-'), ''), addr, 'proxy', status,
         format('{} {} session closed after {} s, at the handshake', proxy, status, round(request_time, 3)), request_time, source_id, line_no
  FROM ws WHERE status = 101 AND request_time < 1
  UNION ALL
  SELECT ts, CASE WHEN status >= 502 THEN 'upstream-down' WHEN status = 403 THEN 'refused-upgrade' ELSE 'not-upgraded' END, proxy,
         addr || coalesce(' ' || nullif(user_agent, '-'), ''), addr, 'proxy', status,
         format('{} answered {} to an upgrade request', proxy, status), request_time, source_id, line_no
  FROM ws WHERE status >= 502 OR status = 403 OR (status = 200 AND lower(coalesce(upgrade, '')) = 'websocket')
  UNION ALL
  -- a gateway that is down fails every request through the proxy, not only upgrades
  SELECT ts, 'upstream-down', proxy, coalesce(nullif(trim(split_part(xff, ',', 1)), ''), remote_addr), coalesce(nullif(trim(split_part(xff, ',', 1)), ''), remote_addr),
         'proxy', status, format('{} answered {} ({})', proxy, status, coalesce(upstream_status, 'no upstream')), request_time, source_id, line_no
  FROM proxy_requests WHERE ts IS NOT NULL AND status IN (502, 503, 504) AND NOT (is_websocket OR lower(coalesce(upgrade, '')) = 'websocket')
  UNION ALL
  SELECT ts, 'upstream-down', proxy, NULL, NULL, 'proxy', NULL, proxy || ': ' || coalesce(message, kind), NULL, source_id, line_no
  FROM proxy_errors WHERE ts IS NOT NULL AND kind = 'connect-refused'
), gw_all AS MATERIALIZED (
  -- the gateway's and the clients' lines that are symptoms, with their family (normal closes drop out here)
  SELECT * FROM (
    SELECT g.ts, g.source_id, g.line_no, g.event, g.conn_id, g.device_id, g.fwd, g.user_agent, g.service, g.container, g.close_code, g.message,
           coalesce(nullif(trim(split_part(g.fwd, ',', 1)), ''), rtrim(g.remote, ':')) AS addr,
           CASE WHEN g.event IN ('fatal-start', 'restart-loop-breaker') THEN 'config-fatal'
                WHEN g.event = 'invalid-frame' THEN 'release-cut'
                WHEN g.event = 'untrusted-proxy-headers' THEN 'refused-upgrade'
                WHEN g.event = 'client-connect-failed' THEN 'upstream-down'
                WHEN contains(lower(coalesce(g.close_reason, '') || ' ' || g.message), 'pairing required') OR g.cause = 'pairing-required'
                     OR g.auth_reason = 'device_token_mismatch' THEN 'pairing'
                WHEN g.auth_reason = 'token_mismatch' OR g.close_code = 4001 OR g.event = 'client-auth-failed'
                     OR contains(lower(coalesce(g.close_reason, '') || ' ' || g.message), 'token mismatch') THEN 'token'
                WHEN g.close_code IN (1012, 1013) THEN 'restart-notice'
                WHEN g.close_code = 1006 THEN 'transport' END AS family
    FROM gateway_events g WHERE g.ts IS NOT NULL AND g.event IN ('closed-before-connect', 'unauthorized', 'disconnected', 'closed', 'client-closed',
      'client-auth-failed', 'client-connect-failed', 'fatal-start', 'restart-loop-breaker', 'invalid-frame', 'untrusted-proxy-headers'))
  WHERE family IS NOT NULL
), once AS (
  -- one connection is one failure, however many lines tell it: the gateway's `unauthorized` and `closed before
  -- connect` of one connection id, or the same close in the console log and the file log. Keep one line per
  -- connection and family, the one that names the device (a hash aggregation: much cheaper than a window)
  SELECT conn_id, family, arg_min({'s': source_id, 'l': line_no}, (device_id IS NULL, ts, source_id, line_no)) AS keep
  FROM gw_all WHERE conn_id IS NOT NULL GROUP BY conn_id, family HAVING count(*) > 1
), gw_rows AS MATERIALIZED (
  SELECT g.ts, g.family,
         CASE WHEN g.event IN ('invalid-frame', 'untrusted-proxy-headers') OR nullif(g.fwd, '') IS NOT NULL THEN (SELECT p FROM proxied)
              ELSE 'direct' END AS path,
         -- a session the proxy cut is known to the gateway only by its connection id
         CASE WHEN g.event = 'invalid-frame' THEN coalesce(g.conn_id, g.source_id || ':' || g.line_no)
              ELSE coalesce(g.device_id, g.addr || coalesce(' ' || g.user_agent, ''), g.conn_id, coalesce(g.service, g.container, 'client') || ' (client log)') END AS client_key,
         g.addr, CASE WHEN g.event LIKE 'client-%' THEN 'client' ELSE 'gateway' END AS observer, g.close_code,
         left(g.message, 240), NULL::DOUBLE, g.source_id, g.line_no
  FROM gw_all g LEFT JOIN once t ON t.conn_id = g.conn_id AND t.family = g.family
  WHERE t.conn_id IS NULL OR (g.source_id = t.keep.s AND g.line_no = t.keep.l)
), observed AS MATERIALIZED (
  SELECT * FROM gw_rows WHERE observer = 'gateway'
  UNION ALL
  -- the proxy's line for a client the gateway already explained at that instant is the same failure
  SELECT p.* FROM proxy_rows p
  WHERE NOT EXISTS (SELECT 1 FROM gw_rows g WHERE g.observer = 'gateway' AND g.addr = p.addr AND g.path = p.path
                    AND g.ts BETWEEN p.ts - INTERVAL 2 SECOND AND p.ts + INTERVAL 2 SECOND)
), seen_by_second AS (
  -- when the gateway or a proxy saw a failure of each kind, by second (a client's own line of that instant is the same
  -- failure, seen from its end: the observer closer to the cause is more specific)
  SELECT DISTINCT symptom_kind(family) AS kind, epoch(ts)::BIGINT + d AS sec FROM observed, unnest([-2, -1, 0, 1, 2]) AS t(d)
)
SELECT ts, family, path, client_key, client_addr, observer, code, detail, lifetime_s, source_id, line_no, NULL
FROM (
  SELECT * FROM observed
  UNION ALL
  SELECT c.* FROM gw_rows c
  WHERE c.observer = 'client'
    AND NOT EXISTS (SELECT 1 FROM seen_by_second x WHERE x.kind = symptom_kind(c.family) AND x.sec = epoch(c.ts)::BIGINT)
) t(ts, family, path, client_key, client_addr, observer, code, detail, lifetime_s, source_id, line_no);

-- Episodes: symptoms per family and path (release cuts go with the transport drops of their path), a new episode
-- after a gap of more than 3 × the usual gap (75th percentile) of that family and path, at least 2 min, at most 30 min,
-- or where a change altered the mix: the gateway went down (a container kill/die or a gateway signal 2 s before the
-- symptom: every path), a token surface changed (handshake refusals; transport too for gateway.auth.token, whose hot
-- reload closes every shared-token session) or the gateway was recreated (handshake refusals, pairing).
DELETE FROM episodes;
CREATE OR REPLACE TEMP TABLE episode_split_points AS
-- the gateway going down changes the mix on every path (families NULL: all)
SELECT ts - INTERVAL 2 SECOND AS ts, NULL::VARCHAR[] AS families FROM docker_events
WHERE type = 'container' AND action IN ('kill', 'die') AND is_gateway_service(coalesce(service, name)) AND ts IS NOT NULL
UNION SELECT ts - INTERVAL 2 SECOND, NULL FROM gateway_events WHERE event IN ('signal', 'fatal-start') AND ts IS NOT NULL
-- a token change changes who is refused at the handshake when only the proxy saw the refusals (the gateway's own
-- token lines carry their reason: a fix committed before it is applied does not end them); a recreate of the gateway
-- also changes who must pair
UNION SELECT ts, ['handshake-refused'] FROM candidate_changes
WHERE kind = 'config' AND (key IN ('gateway.auth.token', 'gateway.remote.token', 'OPENCLAW_GATEWAY_TOKEN') OR key LIKE '%.OPENCLAW_GATEWAY_TOKEN')
-- a hot-reloaded gateway.auth.token closes every shared-token session at once (4001): the proxies see a transport cut
UNION SELECT ts, ['transport'] FROM candidate_changes WHERE kind = 'config' AND key = 'gateway.auth.token'
UNION SELECT ts, ['handshake-refused', 'pairing'] FROM candidate_changes
WHERE kind = 'container' AND action IN ('recreate', 'create') AND is_gateway_service(component);
CREATE OR REPLACE TEMP TABLE episode_assign AS
WITH s AS (
  SELECT *, CASE WHEN family IN ('transport', 'release-cut') THEN 'transport' ELSE family END AS seg,
         (SELECT count(*) FROM episode_split_points p WHERE p.ts <= symptoms.ts
           AND (p.families IS NULL OR list_contains(p.families, CASE WHEN symptoms.family IN ('transport', 'release-cut') THEN 'transport' ELSE symptoms.family END))) AS era
  FROM symptoms
), g AS (
  SELECT *, epoch(ts) - epoch(lag(ts) OVER (PARTITION BY seg, path ORDER BY ts, source_id, line_no)) AS gap,
         lag(era) OVER (PARTITION BY seg, path ORDER BY ts, source_id, line_no) AS prev_era
  FROM s
), typical AS (
  SELECT seg, path, least(1800, greatest(120, 3 * coalesce(quantile_cont(gap, 0.75), 0))) AS max_gap FROM g GROUP BY seg, path
), n AS (
  SELECT g.*, CASE WHEN g.gap IS NULL OR g.gap > t.max_gap OR g.era <> g.prev_era THEN 1 ELSE 0 END AS new_ep
  FROM g JOIN typical t USING (seg, path)
)
SELECT source_id, line_no, family, seg, path, ts, dense_rank() OVER (ORDER BY seg, path, run) AS episode_id
FROM (SELECT *, sum(new_ep) OVER (PARTITION BY seg, path ORDER BY ts, source_id, line_no) AS run FROM n);
UPDATE symptoms SET episode_id = a.episode_id FROM episode_assign a
WHERE symptoms.source_id = a.source_id AND symptoms.line_no = a.line_no AND symptoms.family = a.family AND symptoms.ts = a.ts;
INSERT INTO episodes
WITH e AS (
  SELECT episode_id, any_value(CASE WHEN family IN ('transport', 'release-cut') THEN 'transport' ELSE family END) AS family, any_value(path) AS path,
         min(ts) AS start_ts, max(ts) AS end_ts, count(*)::INTEGER AS symptoms, count(DISTINCT client_key)::INTEGER AS clients,
         list(DISTINCT family ORDER BY family) AS families, list(DISTINCT observer ORDER BY observer) AS observers,
         arg_min(source_id, ts) AS source_id, arg_min(line_no, ts) AS line_no
  FROM symptoms WHERE episode_id IS NOT NULL GROUP BY episode_id
), seen AS (
  -- when each proxy first and last served each client (one pass, instead of per episode over the raw lines)
  SELECT proxy, coalesce(nullif(trim(split_part(xff, ',', 1)), ''), remote_addr) AS addr, min(ts) AS first_ts, max(ts) AS last_ts
  FROM proxy_requests WHERE ts IS NOT NULL AND proxy IN (SELECT path FROM e) GROUP BY ALL
), before AS (
  -- the clients a proxy served in the hour before the episode (a direct path's clients are not logged by the gateway)
  SELECT e.episode_id, count(*)::INTEGER AS n
  FROM e JOIN seen p ON p.proxy = e.path AND p.first_ts < e.start_ts AND p.last_ts >= e.start_ts - INTERVAL 1 HOUR
  GROUP BY e.episode_id
)
SELECT e.episode_id, e.family, e.path, e.start_ts, e.end_ts, e.symptoms, e.clients, b.n, e.families, e.observers, e.source_id, e.line_no
FROM e LEFT JOIN before b USING (episode_id);
DROP TABLE episode_assign;
DROP TABLE episode_split_points;
