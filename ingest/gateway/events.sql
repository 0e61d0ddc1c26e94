-- Gateway message grammar: one record of gw_stage → one gateway_events row with its event kind and fields.
-- Templates are from reference §1.8 (and the observed 2026.9 lines); every version's variant is accepted
-- (with and without peer=, listening on / ready, Z / ±HH:MM stamps). Unrecognised lines are `other`.
INSERT INTO gateway_events
SELECT {{source_id}}, line_no, line_count, ts, ts_text, tz_assumed, TRY_CAST(daemon_ts_text AS TIMESTAMPTZ),
       container,
       CASE WHEN container IS NULL THEN NULL ELSE regexp_replace(container, '^(?:[0-9a-f]{12}_)?(?:.*?-)??([A-Za-z0-9_.-]+?)(?:-\d+)?$', '\1') END,
       stream, shape, level, subsystem, event, message,
       TRY_CAST(coalesce(nullif(regexp_extract(message, '(?:^|\s)code=(\d{4})\b', 1), ''),
                         nullif(regexp_extract(message, '(?:gateway closed|after close|disconnected) \((\d{4})', 1), '')) AS INTEGER),
       CASE WHEN event = 'disconnected' THEN nullif(nullif(regexp_extract(message, ' reason=(.*?) conn=', 1), 'n/a'), '')
            WHEN event = 'closed-before-connect' THEN nullif(nullif(regexp_extract(message, ' reason=(.*)$', 1), 'n/a'), '')
            WHEN event = 'client-closed' THEN nullif(regexp_extract(message, '\(\d{4}(?:[^()]|\([^()]*\))*\):? ?(.*)$', 1), '')
            WHEN event = 'closed' THEN nullif(regexp_extract(message, ' reason=(\S+)', 1), '') END,
       CASE WHEN event = 'unauthorized' THEN nullif(regexp_extract(message, ' reason=(\S+)$', 1), '')
            WHEN event IN ('client-closed', 'client-auth-failed', 'closed-before-connect') AND contains(lower(message), 'device token mismatch') THEN 'device_token_mismatch'
            WHEN event IN ('client-closed', 'client-auth-failed', 'closed-before-connect') AND contains(lower(message), 'gateway token mismatch') THEN 'token_mismatch'
            WHEN contains(message, 'AUTH_DEVICE_TOKEN_MISMATCH') THEN 'device_token_mismatch'
            WHEN contains(message, 'AUTH_TOKEN_MISMATCH') THEN 'token_mismatch' END,
       coalesce(meta->>'$.cause', nullif(regexp_extract(message, ' cause=(\S+)', 1), ''),
                CASE WHEN contains(message, 'reason=pairing required') THEN 'pairing-required' END),
       nullif(regexp_extract(message, '\bconn=([0-9A-Za-z…-]+)', 1), ''),
       nullif(regexp_extract(message, ' peer=(\S+)', 1), ''),
       nullif(nullif(regexp_extract(message, ' remote=(\S+)', 1), ''), 'n/a'),
       nullif(nullif(regexp_extract(message, ' fwd=(.*?) origin=', 1), ''), 'n/a'),
       nullif(nullif(regexp_extract(message, ' origin=(\S+)', 1), ''), 'n/a'),
       nullif(nullif(regexp_extract(message, ' host=(\S+)', 1), ''), 'n/a'),
       nullif(nullif(regexp_extract(message, ' ua=(.*?)(?: code=\d+ reason=| reason=|$)', 1), ''), 'n/a'),
       nullif(regexp_extract(message, ' client=(\S+)', 1), ''),
       nullif(regexp_extract(message, ' client=\S+ (\S+) v\S+', 1), ''),
       nullif(regexp_extract(message, ' client=\S+ \S+ v(\S+)', 1), ''),
       nullif(regexp_extract(message, ' auth=(\S+)', 1), ''),
       coalesce(nullif(regexp_extract(message, '(?:^|\s)device=([0-9A-Za-z_-]{8,})', 1), ''), meta->>'$.deviceId'),
       coalesce(nullif(regexp_extract(message, 'requestId: ([0-9a-f-]{8,})', 1), ''), meta->>'$.requestId'),
       nullif(regexp_extract(message, ' role=(\S+)', 1), ''),
       CASE WHEN event IN ('reload-detected', 'restart-required', 'reload-applied')
            THEN nullif(regexp_extract(message, '\(([^)]*)\)', 1), '') END,
       CASE WHEN event = 'config-from-newer-version' THEN regexp_extract(message, 'newer \w+ \(([^)]+)\)', 1)
            WHEN event = 'banner' THEN regexp_extract(message, 'OpenClaw (\S+)', 1)
            ELSE nullif(regexp_extract(message, ' client=\S+ \S+ v(\S+)', 1), '') END,
       nullif(regexp_extract(message, '\b(SIG[A-Z0-9]+)\b', 1), ''),
       meta
FROM (
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
      WHEN regexp_matches(message, '^config (?:change|reload) requires gateway restart') THEN 'restart-required'
      WHEN regexp_matches(message, '^config (?:hot reload applied|change applied)') THEN 'reload-applied'
      WHEN regexp_matches(message, '^(?:signal SIG\w+ received|received SIG\w+; )') THEN 'signal'
      WHEN starts_with(message, 'restart mode:') THEN 'restart-mode'
      WHEN starts_with(message, 'listening on ') THEN 'listening'
      WHEN regexp_matches(message, '^ready \(') THEN 'ready'
      WHEN regexp_matches(message, '^(?:starting\.\.\.|starting gateway…|loading configuration…|resolving authentication…)') THEN 'starting'
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
      WHEN regexp_matches(message, 'unauthorized: (?:gateway|device) token (?:mismatch|missing|rejected)|unauthorized: gateway password') THEN 'client-auth-failed'
      WHEN regexp_matches(message, '^🦞 OpenClaw \S+') THEN 'banner'
      ELSE 'other'
    END AS event
  FROM gw_stage
);
