-- Gateway message grammar: one record of gw_stage → one gateway_events row with its event kind and fields.
-- Templates are from reference §1.8 (and the observed 2026.9 lines); every version's variant is accepted
-- (with and without peer=, listening on / ready, Z / ±HH:MM stamps). Unrecognised lines are `other`.
-- Staged so that each regular expression runs once, and only on the rows of its event kind (the common kinds get
-- one anchored template each; the rare ones a few small patterns).
-- Multi-line records: `Gateway failed to start: Invalid config at <path>:` is followed by unstamped continuation
-- lines (`openclaw.json:9 — <key>: <reason>`, `Run "openclaw doctor --fix" …`) in the console; they are merged into
-- their record (the file log already writes them as one). Only raw lines right after such an opener, in the same
-- container and stream and before the next stamped line, are continuations (at most 20).
CREATE OR REPLACE TEMP TABLE gw_open AS
SELECT container, stream, line_no, line_count FROM gw_stage
WHERE shape <> 'raw' AND (starts_with(message, 'Gateway failed to start') OR starts_with(message, 'Invalid config')) AND ends_with(rtrim(message), ':');
CREATE OR REPLACE TEMP TABLE gw_cont AS
SELECT o.line_no AS opener, r.line_no, r.line_count, r.message FROM gw_open o JOIN gw_stage r
  ON r.shape = 'raw' AND r.container IS NOT DISTINCT FROM o.container AND r.stream IS NOT DISTINCT FROM o.stream
 AND r.line_no > o.line_no AND r.line_no <= o.line_no + 20
WHERE NOT EXISTS (SELECT 1 FROM gw_stage t WHERE t.shape <> 'raw' AND t.container IS NOT DISTINCT FROM o.container AND t.stream IS NOT DISTINCT FROM o.stream
                  AND t.line_no > o.line_no AND t.line_no < r.line_no);
UPDATE gw_stage SET message = gw_stage.message || chr(10) || c.text, line_count = gw_stage.line_count + c.lines
FROM (SELECT opener, string_agg(message, chr(10) ORDER BY line_no) AS text, sum(line_count)::INTEGER AS lines FROM gw_cont GROUP BY opener) c
WHERE gw_stage.line_no = c.opener AND gw_stage.shape <> 'raw';
DELETE FROM gw_stage WHERE line_no IN (SELECT line_no FROM gw_cont) AND shape = 'raw';
DROP TABLE gw_cont;
DROP TABLE gw_open;
INSERT INTO gateway_events
WITH ge AS (
SELECT *,
  CASE
    WHEN starts_with(message, 'webchat connected') THEN 'connected'
    WHEN starts_with(message, 'webchat disconnected') THEN 'disconnected'
    WHEN starts_with(message, 'closed before connect') THEN 'closed-before-connect'
    WHEN starts_with(message, 'unauthorized conn=') THEN 'unauthorized'
    WHEN starts_with(message, 'handshake timeout') THEN 'handshake-timeout'
    WHEN starts_with(message, 'invalid handshake') THEN 'invalid-handshake'
    WHEN starts_with(message, 'protocol mismatch') THEN 'protocol-mismatch'
    WHEN starts_with(message, 'config change detected; evaluating reload') THEN 'reload-detected'
    WHEN starts_with(message, 'config change requires gateway restart') OR starts_with(message, 'config reload requires gateway restart') THEN 'restart-required'
    WHEN starts_with(message, 'config hot reload applied') OR starts_with(message, 'config change applied') THEN 'reload-applied'
    WHEN starts_with(message, 'config reload skipped (invalid config)') THEN 'reload-skipped'
    WHEN starts_with(message, 'restart-loop breaker tripped') THEN 'restart-loop-breaker'
    WHEN contains(message, 'Invalid WebSocket frame') THEN 'invalid-frame'
    -- lines a gateway writes only when its state starts empty (observed-real-gateway.md)
    WHEN message = 'memory-core: created managed dreaming cron job.' THEN 'first-start'
    WHEN starts_with(message, 'signal SIG') OR regexp_matches(message, '^received SIG\w+; ') THEN 'signal'
    WHEN starts_with(message, 'restart mode:') THEN 'restart-mode'
    WHEN starts_with(message, 'listening on ') THEN 'listening'
    WHEN starts_with(message, 'ready (') OR message = 'ready' THEN 'ready'
    WHEN starts_with(message, 'http server listening') THEN 'listening'
    WHEN message IN ('starting...', 'starting gateway…', 'loading configuration…', 'resolving authentication…') THEN 'starting'
    WHEN starts_with(message, 'device pairing auto-approved') THEN 'pairing-auto-approved'
    WHEN starts_with(message, 'device pairing approved') THEN 'pairing-approved'
    WHEN starts_with(message, 'device pairing removed') THEN 'pairing-removed'
    WHEN starts_with(message, 'device token rotated') THEN 'device-token-rotated'
    WHEN starts_with(message, 'device token revoked') THEN 'device-token-revoked'
    WHEN regexp_matches(message, '^Config was last written by a newer \w+ \(') THEN 'config-from-newer-version'
    WHEN starts_with(message, 'Proxy headers detected from untrusted address')
      OR starts_with(message, 'Loopback connection with non-local Host header')
      OR contains(message, 'observed unattributable proxy-shaped traffic') THEN 'untrusted-proxy-headers'
    WHEN contains(message, 'origin accepted via Host-header fallback')
      OR contains(message, 'dangerouslyAllowHostHeaderOriginFallback accepted') THEN 'origin-fallback'
    WHEN regexp_matches(message, '^(?:Missing config\. Run|Gateway start blocked|Refusing to bind gateway|Gateway failed to start|non-loopback Control UI requires|Invalid config|gateway auth mode is token, but no token|Gateway auth is set to password, but no password)')
      THEN 'fatal-start'
    WHEN starts_with(message, 'Gateway auth token was missing') THEN 'token-generated'
    WHEN starts_with(message, 'Config overwrite:') THEN 'config-overwrite'
    WHEN regexp_matches(message, '^(?:→ close|close) code=\d+') THEN 'closed'
    WHEN regexp_matches(message, 'gateway closed \(\d{4}|reconnect paused after close \(\d{4}|^disconnected \(\d{4}\)') THEN 'client-closed'
    WHEN regexp_matches(message, 'gateway connect failed: .*(?:ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT)|connect ECONNREFUSED') THEN 'client-connect-failed'
    WHEN regexp_matches(message, 'unauthorized: (?:gateway|device) token (?:mismatch|missing|rejected)|unauthorized: gateway password') THEN 'client-auth-failed'
    WHEN starts_with(message, '🦞 OpenClaw ') THEN 'banner'
    ELSE 'other'
  END AS event
FROM gw_stage
), ge2 AS (
SELECT *,
  CASE WHEN event IN ('connected', 'disconnected') THEN regexp_extract(message,
    '^webchat (?:connected|disconnected)(?: code=(\d+) reason=(.*?))? conn=(\S+)(?: remote=(\S+))?(?: client=(\S+) (\S+) v(\S+))?',
    ['code', 'reason', 'conn', 'remote', 'client', 'mode', 'ver']) END AS w,
  CASE WHEN event = 'closed-before-connect' THEN regexp_extract(message,
    '^closed before connect conn=(\S+)(?: peer=(\S+))?(?: remote=(\S+))?(?: fwd=(.*?))?(?: origin=(\S+))?(?: host=(\S+))?(?: ua=(.*?))? code=(\d+) reason=(.*)$',
    ['conn', 'peer', 'remote', 'fwd', 'origin', 'host', 'ua', 'code', 'reason']) END AS cb,
  CASE WHEN event = 'unauthorized' THEN regexp_extract(message,
    '^unauthorized conn=(\S+)(?: peer=(\S+))? remote=(\S+) client=(\S+) (\S+) v(\S+)(.*?) reason=(\S+)$',
    ['conn', 'peer', 'remote', 'client', 'mode', 'ver', 'rest', 'reason']) END AS un,
  -- the rarer kinds: a few small patterns, only on their rows
  CASE WHEN event NOT IN ('connected', 'disconnected', 'closed-before-connect', 'unauthorized', 'other', 'starting', 'ready', 'listening') THEN {
      'code': coalesce(nullif(regexp_extract(message, '(?:^|\s)code=(\d{4})\b', 1), ''),
                       nullif(regexp_extract(message, '(?:gateway closed|after close|disconnected) \((\d{4})', 1), '')),
      'conn': nullif(regexp_extract(message, '\bconn=([0-9A-Za-z…-]+)', 1), ''),
      'remote': nullif(regexp_extract(message, ' remote=(\S+)', 1), ''),
      'peer': nullif(regexp_extract(message, ' peer=(\S+)', 1), ''),
      'device': nullif(regexp_extract(message, '(?:^|\s)device=([0-9A-Za-z_-]{8,})', 1), ''),
      'role': nullif(regexp_extract(message, ' role=(\S+)', 1), ''),
      'paths': nullif(regexp_extract(message, '\(([^)]*)\)', 1), ''),
      'signal': nullif(regexp_extract(message, '\b(SIG[A-Z0-9]+)\b', 1), ''),
      'reason': nullif(regexp_extract(message, '\(\d{4}(?:[^()]|\([^()]*\))*\):? ?(.*)$', 1), ''),
      'version': coalesce(nullif(regexp_extract(message, 'newer \w+ \(([^)]+)\)', 1), ''), nullif(regexp_extract(message, 'OpenClaw (\S+)', 1), ''))
    } END AS x
FROM ge
)
SELECT {{source_id}}, line_no, line_count, ts, ts_text, tz_assumed, TRY_CAST(daemon_ts_text AS TIMESTAMPTZ),
       container, CASE WHEN container IS NOT NULL THEN regexp_replace(container, '-\d+$', '') END,
       stream, shape, level, subsystem, event, message,
       TRY_CAST(coalesce(nullif(w.code, ''), nullif(cb.code, ''), x.code) AS INTEGER),
       CASE WHEN event = 'disconnected' THEN nullif(nullif(w.reason, 'n/a'), '')
            WHEN event = 'closed-before-connect' THEN nullif(nullif(cb.reason, 'n/a'), '')
            WHEN event = 'client-closed' THEN x.reason
            WHEN event = 'closed' THEN nullif(regexp_extract(message, ' reason=(\S+)', 1), '') END,
       CASE WHEN event = 'unauthorized' THEN nullif(un.reason, '')
            WHEN event IN ('client-closed', 'client-auth-failed', 'closed-before-connect') AND contains(lower(message), 'device token mismatch') THEN 'device_token_mismatch'
            WHEN event IN ('client-closed', 'client-auth-failed', 'closed-before-connect') AND contains(lower(message), 'gateway token mismatch') THEN 'token_mismatch'
            WHEN contains(message, 'AUTH_DEVICE_TOKEN_MISMATCH') THEN 'device_token_mismatch'
            WHEN contains(message, 'AUTH_TOKEN_MISMATCH') THEN 'token_mismatch' END,
       coalesce(meta->>'$.cause', CASE WHEN event = 'closed' THEN nullif(regexp_extract(message, ' cause=(\S+)', 1), '') END,
                CASE WHEN cb.reason = 'pairing required' THEN 'pairing-required' END),
       coalesce(nullif(w.conn, ''), nullif(cb.conn, ''), nullif(un.conn, ''), x.conn),
       coalesce(nullif(cb.peer, ''), nullif(un.peer, ''), x.peer),
       nullif(coalesce(nullif(w.remote, ''), nullif(cb.remote, ''), nullif(un.remote, ''), x.remote), 'n/a'),
       nullif(nullif(cb.fwd, ''), 'n/a'),
       nullif(coalesce(nullif(cb.origin, ''), CASE WHEN event = 'unauthorized' THEN nullif(regexp_extract(un.rest, ' origin=(\S+)', 1), '') END), 'n/a'),
       nullif(coalesce(nullif(cb.host, ''), CASE WHEN event = 'unauthorized' THEN nullif(regexp_extract(un.rest, ' host=(\S+)', 1), '') END), 'n/a'),
       nullif(coalesce(nullif(cb.ua, ''), CASE WHEN event = 'unauthorized' THEN nullif(regexp_extract(un.rest, ' ua=(.*)$', 1), '') END), 'n/a'),
       coalesce(nullif(w.client, ''), nullif(un.client, '')),
       coalesce(nullif(w.mode, ''), nullif(un.mode, '')),
       coalesce(nullif(w.ver, ''), nullif(un.ver, '')),
       CASE WHEN event = 'unauthorized' THEN nullif(regexp_extract(un.rest, ' auth=(\S+)', 1), '') END,
       coalesce(x.device, meta->>'$.deviceId'),
       coalesce(CASE WHEN event IN ('closed-before-connect', 'client-closed') THEN nullif(regexp_extract(message, 'requestId: ([0-9a-f-]{8,})', 1), '') END, meta->>'$.requestId'),
       coalesce(x.role, CASE WHEN event = 'unauthorized' THEN nullif(regexp_extract(un.rest, ' role=(\S+)', 1), '') END),
       CASE WHEN event IN ('reload-detected', 'restart-required', 'reload-applied') THEN x.paths END,
       CASE WHEN event IN ('config-from-newer-version', 'banner') THEN x.version ELSE coalesce(nullif(w.ver, ''), nullif(un.ver, '')) END,
       x.signal,
       meta
FROM ge2;
DELETE FROM gw_stage;
